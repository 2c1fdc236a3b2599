"""A real ASGI server (uvicorn, in a thread) for live tests, and a raw SSE client."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time

import pytest
from django.db import connections

from civicdesk.bench.harness import free_port
from civicdesk.live import bus

# The queue fixtures (a site open on a frozen Tuesday morning, a service, a counter, an officer).
from civicdesk.queues.tests.conftest import (  # noqa: F401
    clock,
    counter,
    officer,
    other_service,
    service,
    site,
)


class AsgiServer:
    """uvicorn serving civicdesk's ASGI application, as `civicdesk serve` does, on a free port.

    On the in-memory SQLite test database the server shares the test's connection (as Django's
    own live server does); on PostgreSQL it opens its own connections to the test database.
    """

    def __init__(self) -> None:
        import uvicorn
        from django.core.asgi import get_asgi_application

        from civicdesk.live.asgi import with_live_streams

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        conn = connections["default"]
        self.shared = conn if conn.vendor == "sqlite" and conn.is_in_memory_db() else None
        if self.shared is not None:
            self.shared.inc_thread_sharing()
        config = uvicorn.Config(
            with_live_streams(get_asgi_application()),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def _run(self) -> None:
        if self.shared is not None:
            connections["default"] = self.shared
        asyncio.run(self.server.serve())

    def stop(self) -> None:
        self.server.should_exit = True
        self.server.force_exit = True
        self.thread.join(timeout=20)
        bus.reset_for_tests()
        if self.shared is not None:
            self.shared.dec_thread_sharing()


@pytest.fixture
def asgi_server(transactional_db, settings):
    settings.CIVICDESK_LIVE_COALESCE_MS = 0  # one event per change: tests assert exact sequences
    server = AsgiServer()
    yield server
    server.stop()


class SseClient:
    """Reads a text/event-stream over a plain HTTP connection; events as dicts."""

    def __init__(self, base_url: str, path: str, *, last_event_id: int | None = None, **kw):
        host, port = base_url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=kw.get("timeout", 10))
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn.request("GET", path, headers=headers)
        self.response = self.conn.getresponse()
        self.buffer = ""
        self.retry = None

    @property
    def headers(self):
        return self.response.headers

    def next_event(self) -> dict:
        """The next event with an id (comments and the retry hint are skipped but noted)."""
        while True:
            while "\n\n" not in self.buffer:
                chunk = self.response.read1(65536)
                if not chunk:
                    raise EOFError("stream closed")
                self.buffer += chunk.decode()
            block, self.buffer = self.buffer.split("\n\n", 1)
            fields: dict[str, str] = {}
            for line in block.split("\n"):
                if line.startswith(":"):
                    continue
                key, _, value = line.partition(":")
                fields[key] = value.removeprefix(" ")
            if "retry" in fields:
                self.retry = int(fields["retry"])
            if "id" in fields:
                return {
                    "id": int(fields["id"]),
                    "event": fields.get("event"),
                    "data": json.loads(fields.get("data", "null")),
                }

    def wait_for(self, predicate, *, limit: int = 50) -> dict:
        for _ in range(limit):
            event = self.next_event()
            if predicate(event):
                return event
        raise AssertionError("no matching event")

    def close(self) -> None:
        self.conn.close()


ALWAYS_OPEN = {str(day): [["00:00", "23:59"]] for day in range(7)}


@pytest.fixture
def open_site(agency):
    """A site open at every hour (browser tests run whenever CI runs them)."""
    from civicdesk.organisations.tests.factories import SiteFactory

    return SiteFactory(
        agency=agency,
        code="HCC",
        name="Harbour Central",
        opening_hours=ALWAYS_OPEN,
        holiday_country="",
    )
