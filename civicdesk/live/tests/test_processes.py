"""LISTEN/NOTIFY: an event published in one server process reaches streams in another."""

import contextlib
import json
import urllib.request

import pytest
from django.db import connection

from civicdesk.bench.harness import bench_environment, running_server
from civicdesk.live.tests.conftest import SseClient

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="across processes needs PostgreSQL"
)


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_subscribed(client: SseClient) -> None:
    # The retry hint comes right after the stream subscribed (and its listener is LISTENing).
    while client.retry is None:
        chunk = client.response.read1(65536)
        client.buffer += chunk.decode()
        if "retry:" in client.buffer:
            client.retry = 3000
    client.buffer = client.buffer.split("\n\n", 1)[1] if "\n\n" in client.buffer else ""


def test_event_from_one_process_reaches_streams_in_two_others(transactional_db, site, service):
    from civicdesk.queues import services
    from civicdesk.queues.models import Channel

    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE, check_open=False)
    with contextlib.ExitStack() as stack:
        env = stack.enter_context(bench_environment(_database_url()))
        a = stack.enter_context(running_server(env))
        b = stack.enter_context(running_server(env))
        path = f"/live/{site.agency.code}/{site.code}/board/events"
        on_a = SseClient(a, path)
        on_b = SseClient(b, path)
        stack.callback(on_a.close)
        stack.callback(on_b.close)
        _wait_subscribed(on_a)
        _wait_subscribed(on_b)
        # The visitor leaves the queue through process B's API.
        request = urllib.request.Request(  # noqa: S310
            f"{b}/api/v1/queues/tickets/{ticket.token}/cancel", data=b"", method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert json.loads(response.read())["status"] == "cancelled"
        for client in (on_a, on_b):
            event = client.wait_for(lambda e: e["event"] == "cancelled")
            assert event["data"]["ticket"]["number"] == ticket.number
            assert event["data"]["site"]["services"][0]["waiting"] == 0
