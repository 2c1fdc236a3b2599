"""Shared pieces for benchmarks: a throwaway database, a real `civicdesk serve`, percentiles."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def progress(message: str) -> None:
    """Progress goes to stderr; stdout carries only the JSON result."""
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def database_kind(url: str | None) -> str:
    return "postgresql" if url and url.startswith(("postgres", "postgresql")) else "sqlite"


def create_database_if_missing(url: str | None) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist yet."""
    if not url or database_kind(url) != "postgresql":
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc,
                        "/postgres", parts.query, ""))  # fmt: skip
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def bench_environment(database_url: str | None) -> Iterator[dict]:
    """Environment for a benchmark run: the given database (created when missing), or a
    throwaway SQLite file."""
    create_database_if_missing(database_url)
    with tempfile.TemporaryDirectory(prefix="civicdesk-bench-") as var_dir:
        env = {
            **os.environ,
            "CIVICDESK_VAR_DIR": var_dir,
            "DJANGO_SETTINGS_MODULE": "civicdesk.config.settings.local",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
        env["DATABASE_URL"] = database_url or f"sqlite:///{Path(var_dir) / 'bench.sqlite3'}"
        yield env


def civicdesk(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "civicdesk", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )


@contextlib.contextmanager
def running_server(env: dict, *, workers: int = 1, url: str | None = None) -> Iterator[str]:
    """Yield the base URL of a running civicdesk: `url` if given, else a fresh `civicdesk serve`."""
    if url:
        yield url.rstrip("/")
        return
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "civicdesk",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-worker",
        ],
        env=env,
        stdout=sys.stderr,  # stdout carries only the benchmark's JSON
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Each worker process imports the whole app (scikit-learn included): on a loaded
        # machine two of them starting at once can take well over a minute.
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("civicdesk serve did not start")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # thousands of open streams can outlast a graceful stop
            server.kill()
            server.wait()


def client_load(cpu_seconds: float, wall_seconds: float) -> None:
    """Say how busy the benchmark's own client was: it runs in one process, so near 100 % of a
    core means the client, not the server, set the pace of that phase."""
    if wall_seconds > 0:
        progress(f"the bench client used {cpu_seconds / wall_seconds:.0%} of one core")
