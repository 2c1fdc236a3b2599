import contextlib
import signal
import subprocess
import sys
import time

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from civicdesk.core.serving import reuse_port_supported, run_workers

APP = "civicdesk.config.asgi:application"
HELPER_STOP_SECONDS = 10


class Command(BaseCommand):
    help = (
        "Serve civicdesk over ASGI with uvicorn, static files included, as in production. "
        "Also starts a task worker and the periodic-job loop unless --no-worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="uvicorn worker processes (use PostgreSQL when more than one).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background task worker and periodic jobs here "
            "(run `civicdesk db_worker` and `civicdesk tick --loop 30` elsewhere).",
        )
        parser.add_argument("--log-level", default="info")

    def handle(self, *args, host, port, workers, no_worker, log_level, **options):
        if not getattr(settings, "WHITENOISE_USE_FINDERS", False):
            call_command("collectstatic", interactive=False, verbosity=0)
        stop = _Stop()
        # Our own handlers from before the first helper starts: a SIGTERM (a service manager
        # stopping us) or Ctrl+C at any moment, even while a helper is being started, ends in
        # the `finally` below, which stops the helpers too.
        signal.signal(signal.SIGTERM, stop.handle)
        signal.signal(signal.SIGINT, stop.handle)
        helpers: list[subprocess.Popen] = []
        try:
            if not no_worker:
                cli = [sys.executable, "-m", "civicdesk"]
                # --no-reload: as in production, code changes need a restart of the whole.
                helpers.append(
                    subprocess.Popen([*cli, "db_worker", "--interval", "1", "--no-reload"])
                )
                helpers.append(subprocess.Popen([*cli, "tick", "--loop", "30"]))
            if stop.signum:
                return
            self.stdout.write(f"civicdesk serving on http://{host}:{port} ({workers} worker(s))")
            options = {
                "log_level": log_level,
                "proxy_headers": True,
                "forwarded_allow_ips": "127.0.0.1",
                "lifespan": "off",
            }
            if workers > 1 and reuse_port_supported():
                # One listening socket per worker, so that connections spread evenly. Its
                # supervisor takes the signals over while it runs and returns when told to stop.
                run_workers(
                    APP,
                    host=host,
                    port=port,
                    workers=workers,
                    stopping=lambda: bool(stop.signum),
                    **options,
                )
            elif workers > 1:
                uvicorn.run(APP, host=host, port=port, workers=workers, **options)
            else:
                server = _Server(uvicorn.Config(APP, host=host, port=port, **options))
                stop.server = server
                if stop.signum:
                    server.should_exit = True
                server.run()
        finally:
            _stop_helpers(helpers)


class _Server(uvicorn.Server):
    """uvicorn's server, told to stop by `serve`'s own signal handlers.

    uvicorn's handlers would re-raise the signal once it has shut down, inside its event loop;
    stopping here is a plain return instead, so the helpers are always stopped after it."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


class _Stop:
    def __init__(self):
        self.signum = 0
        self.server: uvicorn.Server | None = None

    def handle(self, signum, frame):
        self.signum = signum
        if self.server is not None:
            # The first signal stops gracefully; a second Ctrl+C stops at once.
            self.server.handle_exit(signum, frame)


def _stop_helpers(helpers: list[subprocess.Popen]) -> None:
    for helper in helpers:
        helper.terminate()
    deadline = time.monotonic() + HELPER_STOP_SECONDS
    for helper in helpers:
        try:
            helper.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            helper.kill()
            helper.wait()
