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
        mine = [e for e in kinds if "ahead" in e["data"]["ticket"]]
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


def test_idle_stream_gets_heartbeats_and_leaves_the_hub_when_closed(
    asgi_server, settings, site, service
):
    import time

    settings.CIVICDESK_LIVE_HEARTBEAT_SECONDS = 0.2
    client = SseClient(asgi_server.url, f"/live/{site.agency.code}/{site.code}/board/events")
    try:
        _wait_subscribed(1)
        raw = b""
        while raw.count(b": keep-alive") < 2:
            raw += client.response.read1(65536)
    finally:
        client.close()
    deadline = time.monotonic() + 10
    while bus.hub.subscriber_count():
        assert time.monotonic() < deadline, "the closed stream stayed subscribed"
        time.sleep(0.02)


def test_a_reconnected_listener_makes_streams_replay_what_they_missed(asgi_server, site, service):
    from civicdesk.live.models import LiveEvent

    client = SseClient(asgi_server.url, f"/live/{site.agency.code}/{site.code}/board/events")
    try:
        _wait_subscribed(1)
        bus.publish(f"site:{site.id}", "issued", {"n": 1})
        assert client.next_event()["data"] == {"n": 1}
        # Stored but never delivered (as when the LISTEN connection was down), then RESYNC.
        missed = LiveEvent.objects.create(
            channel=f"site:{site.id}", type="called", payload={"n": 2}
        )
        bus.hub.deliver([bus.RESYNC])
        event = client.next_event()
        assert (event["id"], event["data"]) == (missed.id, {"n": 2})
        bus.publish(f"site:{site.id}", "issued", {"n": 3})
        assert client.next_event()["data"] == {"n": 3}  # and nothing twice
    finally:
        client.close()


def test_a_slow_client_gets_every_event_in_order(asgi_server, monkeypatch, site, service):
    """Events pile up behind a client that does not read (the socket fills): the stream writes
    them later, in order, none lost."""
    from civicdesk.live import streams

    waited = []
    resume = streams._resume

    def spy(coroutine, blocker):
        waited.append(1)
        return resume(coroutine, blocker)

    monkeypatch.setattr(streams, "_resume", spy)
    client = SseClient(asgi_server.url, f"/live/{site.agency.code}/{site.code}/board/events")
    try:
        _wait_subscribed(1)
        padding = "x" * 100_000
        for n in range(150):  # 15 MB, more than the socket buffers hold
            bus.publish(f"site:{site.id}", "issued", {"n": n, "padding": padding})
        got = [client.next_event() for _ in range(150)]
        assert [e["data"]["n"] for e in got] == list(range(150))
        assert waited, "the socket never filled: the test did not exercise backpressure"
    finally:
        client.close()


def test_direct_stream_waits_for_a_blocked_send_and_ends_when_too_far_behind():
    import asyncio

    from civicdesk.live.streams import DirectStream, Seen

    async def scenario():
        written, gate = [], asyncio.get_running_loop().create_future()

        async def send(message):
            if not gate.done():
                await gate  # the socket is full until the gate opens
            written.append(message["body"])

        stream = DirectStream(["site:1"], send, Seen(None))
        for n in (1, 2, 3):
            stream({"id": n, "type": "issued", "data": {"n": n}})
        stream({"id": 2, "type": "issued", "data": {"n": 2}})  # a duplicate is dropped
        stream(bus.HEARTBEAT)  # a busy stream needs no heartbeat
        assert written == []
        gate.set_result(None)
        while stream.busy is not None:
            await asyncio.sleep(0)
        assert [b.split(b"\n")[0] for b in written] == [b"id: 1", b"id: 2", b"id: 3"]
        stream(bus.HEARTBEAT)
        assert written[-1].startswith(b": keep-alive\n")

        blocked = asyncio.get_running_loop().create_future()

        async def stuck(message):
            await blocked

        slow = DirectStream(["site:1"], stuck, Seen(None))
        for n in range(bus.BACKLOG + 2):
            slow({"id": n + 1, "type": "issued", "data": {}})
        assert slow.done.done()  # the client reconnects and replays from the table
        slow.close()
        await asyncio.sleep(0)

    # In a thread of its own: a browser test may have left an event loop running in this one.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()
