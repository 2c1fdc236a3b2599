"""Every stream sends an `alive` event at the keep-alive interval (a comment line never reaches the
page's script, so a page could not tell a quiet stream from a dead one). It carries no id: the
browser's Last-Event-ID stays at the last real event, and a reconnect replays what was missed."""

import http.client
import itertools
import time

from django.test import Client

from civicdesk.live import bus
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

INTERVAL = 0.4


class RawStream:
    """The blocks of an event stream as they come, each with the time it arrived."""

    def __init__(self, base_url: str, path: str, headers: dict | None = None) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=10)
        self.conn.request("GET", path, headers={"Accept": "text/event-stream", **(headers or {})})
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        self.buffer = ""

    def next_block(self) -> tuple[dict, float]:
        while "\n\n" not in self.buffer:
            chunk = self.response.read1(65536)
            if not chunk:
                raise EOFError("stream closed")
            self.buffer += chunk.decode()
        block, self.buffer = self.buffer.split("\n\n", 1)
        fields = {}
        for line in block.split("\n"):
            if line and not line.startswith(":"):
                key, _, value = line.partition(":")
                fields[key] = value.removeprefix(" ")
        return fields, time.monotonic()

    def alive_times(self, count: int) -> list[float]:
        """When each of the next `count` alive events came (other blocks are checked, skipped)."""
        times, deadline = [], time.monotonic() + 10
        while len(times) < count:
            assert time.monotonic() < deadline, "no alive event came"
            fields, at = self.next_block()
            if fields.get("event") == "alive":
                assert "id" not in fields, fields  # it must not move the Last-Event-ID
                assert float(fields["data"]) == INTERVAL  # the page learns how often to expect one
                times.append(at)
        return times

    def close(self) -> None:
        self.conn.close()


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def test_the_board_stream_says_it_is_alive_at_the_interval_without_an_id(
    asgi_server, settings, site, service
):
    settings.CIVICDESK_LIVE_HEARTBEAT_SECONDS = INTERVAL
    stream = RawStream(asgi_server.url, f"/live/{site.agency.code}/{site.code}/board/events")
    try:
        first, opened = stream.next_block()
        assert first == {"retry": "3000"}
        # One at once (the page knows the interval from the start), then one per interval.
        times = stream.alive_times(4)
        assert times[0] - opened < INTERVAL
        assert all(gap < INTERVAL * 2 for gap in _gaps(times)), _gaps(times)
        bus.publish(f"site:{site.id}", "issued", {"n": 1})
        while "id" not in (fields := stream.next_block()[0]):
            pass
        assert (fields["event"], fields["data"]) == ("issued", '{"n":1}')
        stream.alive_times(1)  # and still alive after an event
    finally:
        stream.close()


def test_a_reconnect_after_alive_events_replays_the_missed_event(
    asgi_server, settings, site, service
):
    settings.CIVICDESK_LIVE_HEARTBEAT_SECONDS = INTERVAL
    path = f"/live/{site.agency.code}/{site.code}/board/events"
    stream = RawStream(asgi_server.url, path)
    try:
        bus.publish(f"site:{site.id}", "issued", {"n": 1})
        while "id" not in (fields := stream.next_block()[0]):
            pass
        last = fields["id"]
        stream.alive_times(2)  # what the browser remembers is still `last`
    finally:
        stream.close()
    missed = bus.publish(f"site:{site.id}", "called", {"n": 2})
    again = RawStream(asgi_server.url, path, {"Last-Event-ID": last})
    try:
        while "id" not in (fields := again.next_block()[0]):
            assert fields.get("event") in (None, "alive")
        assert (int(fields["id"]), fields["event"]) == (missed.id, "called")
    finally:
        again.close()


def test_the_manager_overview_stream_says_it_is_alive_too(asgi_server, settings, site):
    """The overview stream is a Django view (it needs the signed-in manager), not the ASGI
    shortcut of the public streams: it sends the same alive events."""
    settings.CIVICDESK_LIVE_HEARTBEAT_SECONDS = INTERVAL
    manager = StaffFactory(agency=site.agency, role=Role.TEAM_LEAD, sites=[site]).user
    client = Client()
    client.force_login(manager)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    stream = RawStream(asgi_server.url, "/live/overview/events", {"Cookie": cookie})
    try:
        times = stream.alive_times(3)
        assert all(gap < INTERVAL * 2 for gap in _gaps(times)), _gaps(times)
    finally:
        stream.close()
