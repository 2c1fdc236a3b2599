import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


@pytest.mark.django_db
def test_healthz_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_503_over_real_http_when_database_is_unreachable(tmp_path):
    """`civicdesk serve` against a PostgreSQL that is not there still answers, with 503."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://nobody@127.0.0.1:{_free_port()}/none",
        "CIVICDESK_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "civicdesk.config.settings.local",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "civicdesk",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-worker",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                pytest.fail("healthz answered 200 with no database")
            except urllib.error.HTTPError as error:
                assert error.code == 503
                assert b'"status": "unavailable"' in error.read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    output = server.stdout.read().decode() if server.poll() is not None else ""
                    pytest.fail(f"server did not start: {output}")
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
def test_nul_bytes_in_the_query_get_a_400_not_a_500(client):
    response = client.get("/api/v1/cases/categories", {"agency": "H\x00SG"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_character"
    page = client.get("/cases/track/", {"reference": "\x00"})
    assert page.status_code == 400 and b"not allowed" in page.content


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.add(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads child processes from /proc")
@pytest.mark.parametrize("when", ["starting", "serving"])
def test_stopping_serve_stops_its_worker_and_tick_loop(tmp_path, when):
    """SIGTERM to `civicdesk serve` (as a service manager stops it) ends the task worker and the
    periodic-job loop it started, not only the web server: whether it comes while the helpers
    are still being started or once the site answers."""
    port = _free_port()
    env = {
        **os.environ,
        "CIVICDESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "civicdesk.config.settings.local",
    }
    subprocess.run([sys.executable, "-m", "civicdesk", "migrate", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "civicdesk", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(helpers := _children(server.pid)) < 2:
            assert time.monotonic() < deadline and server.poll() is None, "helpers not started"
            time.sleep(0.05)
        if when == "serving":
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                    break
                except (urllib.error.URLError, ConnectionError):
                    assert time.monotonic() < deadline and server.poll() is None, "not serving"
                    time.sleep(0.2)
        server.terminate()
        assert server.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while alive := {pid for pid in helpers if os.path.exists(f"/proc/{pid}")}:
            # a helper that ended but was not reaped yet is a zombie: gone for this purpose
            alive = {pid for pid in alive if _state(pid) not in ("Z", None)}
            if not alive:
                break
            assert time.monotonic() < deadline, f"still running: {alive}"
            time.sleep(0.2)
    finally:
        if server.poll() is None:
            server.kill()
        for pid in _children(server.pid):
            os.kill(pid, 9)


def _state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None
