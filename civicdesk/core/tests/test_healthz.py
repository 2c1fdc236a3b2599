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
