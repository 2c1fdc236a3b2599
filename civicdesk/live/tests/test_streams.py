"""Events reach a stream over real HTTP; a reconnect with Last-Event-ID replays what it missed."""

import pytest

from civicdesk.live import bus
from civicdesk.live.tests.conftest import SseClient
from civicdesk.queues import services
from civicdesk.queues.models import Channel


def _wait_subscribed(count: int) -> None:
    import time

    deadline = time.monotonic() + 10
    while bus.hub.subscriber_count() < count:
        assert time.monotonic() < deadline, "the stream never subscribed"
        time.sleep(0.02)


def test_stream_headers_and_retry_hint(asgi_server, site, service):
    client = SseClient(asgi_server.url, f"/live/{site.agency.code}/{site.code}/board/events")
    try:
        assert client.response.status == 200
        assert client.headers["Content-Type"].startswith("text/event-stream")
        assert "no-cache" in client.headers["Cache-Control"]
        _wait_subscribed(1)
        bus.publish(f"site:{site.id}", "issued", {"hello": 1})
        event = client.next_event()
        assert client.retry == 3000
        assert event["event"] == "issued" and event["data"] == {"hello": 1}
    finally:
        client.close()


def test_ticket_events_reach_the_stream_and_reconnect_replays(
    asgi_server, clock, site, service, counter, officer
):
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE)
    other = services.ticket_issue(service=service, channel=Channel.REMOTE)
    client = SseClient(asgi_server.url, f"/live/ticket/{other.token}/events")
    try:
        _wait_subscribed(1)
        services.ticket_call_next(actor=officer, counter=counter)  # calls `ticket`
        seen = client.wait_for(lambda e: e["event"] == "called")
        assert seen["data"]["ticket"]["number"] == ticket.number
        ahead = seen["data"]["site"]["services"][0]["order"]
        assert ahead[0][0] == other.number  # our visitor is now first in line
    finally:
        client.close()
    # While the page is away: the first ticket is served, ours is called.
    services.ticket_start(actor=officer, ticket=ticket)
    services.ticket_finish(actor=officer, ticket=ticket)
    services.ticket_call_next(actor=officer, counter=counter)
    again = SseClient(
        asgi_server.url, f"/live/ticket/{other.token}/events", last_event_id=seen["id"]
    )
    try:
        kinds = [again.next_event() for _ in range(4)]
        assert [e["event"] for e in kinds] == ["started", "finished", "called", "called"]
        assert all(e["id"] > seen["id"] for e in kinds)
        mine = [e for e in kinds if "status_label" in e["data"]["ticket"]]
        assert mine[0]["data"]["ticket"] | {"counter": "1"} == mine[0]["data"]["ticket"]
        assert mine[0]["data"]["ticket"]["status"] == "called"
    finally:
        again.close()


def test_unknown_ticket_stream_is_404(asgi_server):
    client = SseClient(asgi_server.url, "/live/ticket/nope/events")
    try:
        assert client.response.status == 404
    finally:
        client.close()


@pytest.mark.parametrize("raw", ["abc", "-1", "9" * 30])
def test_bad_last_event_id_is_ignored(asgi_server, site, service, raw):
    bus.publish(f"site:{site.id}", "issued", {"n": 1})
    client = SseClient(
        asgi_server.url, f"/live/{site.agency.code}/{site.code}/board/events?last_event_id={raw}"
    )
    try:
        assert client.response.status == 200
        _wait_subscribed(1)
        bus.publish(f"site:{site.id}", "issued", {"n": 2})
        assert client.next_event()["data"] == {"n": 2}
    finally:
        client.close()
