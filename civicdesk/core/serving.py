"""Several uvicorn worker processes, each with a listening socket of its own (SO_REUSEPORT).

uvicorn's own `--workers` shares one listening socket: whichever process wakes first accepts
every connection waiting, so a burst of keep-alive connections (a proxy's pool, many clients
connecting at once) can land almost entirely on one process while the other cores idle; in
`civicdesk bench intake` one of two workers often took 40 or all 50 of the clients. With a
socket per process the kernel spreads new connections evenly over them. Where SO_REUSEPORT is
missing (not Linux/BSD), `serve` falls back to uvicorn's shared socket.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

from uvicorn import Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

log = logging.getLogger("uvicorn.error")


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


class OneSocketPerWorker(Multiprocess):
    """uvicorn's supervisor (health checks, restarts, signals), worker i serving socket i."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        self.own_sockets = sockets

    def _process(self, index: int) -> Process:
        return Process(self.config, [self.own_sockets[index]])

    def init_processes(self) -> None:
        for index in range(self.processes_num):
            process = self._process(index)
            process.start()
            self.processes.append(process)

    def restart_all(self) -> None:
        for index, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._process(index)
            new.start()
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                return
            old.terminate()
            old.join()
            self.processes[index] = new

    def keep_subprocess_alive(self) -> None:
        # As uvicorn's, with the replacement given the dead worker's socket.
        from uvicorn.config import STARTUP_FAILURE

        if self.should_exit.is_set():
            return
        for index, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                log.error(f"Child process [{process.pid}] failed to start, stopping.")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            log.info(f"Child process [{process.pid}] died")
            process = self._process(index)
            process.start()
            self.processes[index] = process


def run_workers(
    app: str,
    *,
    host: str,
    port: int,
    workers: int,
    stopping: Callable[[], bool] = lambda: False,
    **options,
) -> None:
    """Serve `app` with `workers` processes, one SO_REUSEPORT socket each.

    `stopping`: whether the caller's own signal handlers caught a stop signal. The supervisor
    installs its handlers when it is made; a signal that came just before went to the caller,
    so it is asked once they are in place, and nothing is started if so."""
    config = Config(app, host=host, port=port, workers=workers, **options)
    sockets = [_listening_socket(host, port) for _ in range(workers)]
    try:
        supervisor = OneSocketPerWorker(config, sockets)
        if stopping():
            return
        log.info(f"Uvicorn running on http://{host}:{port} ({workers} workers, one socket each)")
        supervisor.run()
    finally:
        for sock in sockets:
            sock.close()
