"""Changes close together are published as one site snapshot; each ticket still gets its own."""

import time

from civicdesk.live.models import LiveEvent
from civicdesk.live.publisher import Coalescer, publish_site_changes
from civicdesk.queues import services
from civicdesk.queues.models import Channel


def test_one_site_event_for_several_changes_and_a_call_wins(clock, site, service, counter, officer):
    first = services.ticket_issue(service=service, channel=Channel.KIOSK)
    second = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    LiveEvent.objects.all().delete()
    publish_site_changes(site.id, [(second.pk, "issued"), (first.pk, "called")])
    site_events = list(LiveEvent.objects.filter(channel=f"site:{site.id}"))
    assert [e.type for e in site_events] == ["called"]
    payload = site_events[0].payload
    assert payload["ticket"]["number"] == first.number
    assert [c["kind"] for c in payload["changes"]] == ["issued", "called"]
    assert payload["site"]["services"][0]["order"][0][0] == second.number
    # The new ticket's own channel gets nothing (nobody can be following it yet): its page
    # learns its place from the site event.
    assert not LiveEvent.objects.filter(channel=f"ticket:{second.token}").exists()
    assert LiveEvent.objects.filter(channel=f"ticket:{first.token}").get().type == "called"
    # A ticket issued and called within one batch is summed up as it is now, counter and all.
    LiveEvent.objects.all().delete()
    publish_site_changes(site.id, [(first.pk, "issued"), (first.pk, "called")])
    issued = LiveEvent.objects.get(channel=f"site:{site.id}").payload["changes"][0]
    assert (issued["status"], issued["counter"]) == ("called", counter.name)


def test_coalescer_publishes_from_its_thread(transactional_db, settings, monkeypatch):
    settings.CIVICDESK_LIVE_COALESCE_MS = 10
    seen = []
    monkeypatch.setattr(
        "civicdesk.live.publisher.publish_site_changes",
        lambda site_id, changes: seen.append((site_id, list(changes))),
    )
    coalescer = Coalescer()
    coalescer.add(7, 1, "issued")
    coalescer.add(7, 2, "called")
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen == [(7, [(1, "issued"), (2, "called")])]


def test_coalescer_publishes_a_lone_change_at_once_and_then_at_most_once_a_window(
    transactional_db, settings, monkeypatch
):
    settings.CIVICDESK_LIVE_COALESCE_MS = 1000
    seen = []
    monkeypatch.setattr(
        "civicdesk.live.publisher.publish_site_changes",
        lambda site_id, changes: seen.append((time.monotonic(), list(changes))),
    )
    coalescer = Coalescer()
    start = time.monotonic()
    coalescer.add(7, 1, "issued")
    while not seen and time.monotonic() < start + 5:
        time.sleep(0.005)
    assert seen and seen[0][0] - start < 0.5  # not a whole window later
    coalescer.add(7, 2, "called")
    coalescer.add(7, 3, "issued")
    while len(seen) < 2 and time.monotonic() < start + 5:
        time.sleep(0.005)
    assert seen[1][1] == [(2, "called"), (3, "issued")]
    assert seen[1][0] - seen[0][0] >= 0.9  # the window since the last publish


def test_snapshots_reuse_the_estimators_history_for_a_while(
    clock, settings, site, service, counter, officer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civicdesk.live import snapshot
    from civicdesk.queues import state_cache

    settings.CIVICDESK_LIVE_HISTORY_SECONDS = 30
    state_cache.clear()
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    with CaptureQueriesContext(connection) as first:
        full = snapshot.site_snapshot(site.id)
    with CaptureQueriesContext(connection) as second:
        again = snapshot.site_snapshot(site.id)
    assert len(second) < len(first)  # history not read again
    assert again["services"] == full["services"]  # same queues, same estimates
    services.ticket_call_next(actor=officer, counter=counter)
    after_call = snapshot.site_snapshot(site.id)
    assert after_call["services"][0]["waiting"] == 1  # the queues themselves are always read
    assert after_call["calling"][0]["number"].endswith("001")
    state_cache.clear()


def test_just_stale_history_is_used_once_more_while_it_is_read_again_aside(
    clock, settings, monkeypatch, site, service
):
    """The event that comes first after the history went stale does not pay for reading it."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civicdesk.live import snapshot
    from civicdesk.queues import state_cache

    settings.CIVICDESK_LIVE_HISTORY_SECONDS = 30
    state_cache.clear()
    asked = []
    monkeypatch.setattr(state_cache, "_can_refresh_later", lambda: True)
    monkeypatch.setattr(state_cache, "_refresh_in_background", asked.append)
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    with CaptureQueriesContext(connection) as full:
        snapshot.site_snapshot(site.id)
    first = state_cache._history[site.id]
    clock.shift(timedelta(seconds=40))  # stale, but not twice over
    with CaptureQueriesContext(connection) as stale:
        snapshot.site_snapshot(site.id)
    assert len(stale) < len(full) and asked == [site.id]
    assert state_cache._history[site.id] is first
    state_cache._refresh(site.id)  # what the background thread does
    assert state_cache._history[site.id].at > first.at
    clock.shift(timedelta(seconds=61))  # twice over: read at once, as without refresh_later
    asked.clear()
    with CaptureQueriesContext(connection) as old:
        snapshot.site_snapshot(site.id)
    assert len(old) == len(full) and asked == []
    state_cache.clear()


def test_under_a_stream_of_changes_snapshots_take_at_most_their_share_of_the_time(
    transactional_db, settings, monkeypatch
):
    settings.CIVICDESK_LIVE_COALESCE_MS = 1
    settings.CIVICDESK_LIVE_PUBLISH_SHARE = 0.25
    seen = []

    def publish(site_id, changes):
        seen.append(time.monotonic())
        time.sleep(0.1)  # a snapshot that takes 0.1 s

    monkeypatch.setattr("civicdesk.live.publisher.publish_site_changes", publish)
    coalescer = Coalescer()
    coalescer.add(7, 1, "issued")
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.005)
    coalescer.add(7, 2, "issued")  # while the first is being built
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    # 0.1 s at a share of a quarter: the next snapshot starts 0.4 s after the last began.
    assert seen[1] - seen[0] >= 0.4 - 0.05


def test_a_ticket_further_back_than_the_snapshot_lists_gets_its_own_place(
    clock, settings, site, service, counter, officer, client
):
    from civicdesk.live.snapshot import site_snapshot, ticket_snapshot

    settings.CIVICDESK_LIVE_ORDER_LIMIT = 2
    tickets = [services.ticket_issue(service=service, channel=Channel.KIOSK) for _ in range(5)]
    snapshot = site_snapshot(site.id)
    listed = snapshot["services"][0]
    assert (listed["waiting"], len(listed["order"])) == (5, 2)
    last = ticket_snapshot(tickets[4], snapshot)
    told = client.get(f"/api/v1/queues/tickets/{tickets[4].token}").json()
    assert last["ahead"] == told["people_ahead"] == 4
    assert last["wait_minutes"] == told["estimated_wait_minutes"] > listed["order"][1][1]
    # Listed tickets still read their place off the snapshot.
    assert ticket_snapshot(tickets[1], snapshot)["ahead"] == 1
    services.ticket_call_next(actor=officer, counter=counter)
    tickets[4].refresh_from_db()
    assert ticket_snapshot(tickets[4], site_snapshot(site.id))["ahead"] == 3
    # The site event of a join far back names it without counting its place.
    LiveEvent.objects.all().delete()
    publish_site_changes(site.id, [(tickets[4].pk, "issued")])
    change = LiveEvent.objects.get(channel=f"site:{site.id}").payload["changes"][0]
    assert change == {
        "kind": "issued",
        "number": tickets[4].number,
        "status": "waiting",
        "counter": "",
    }
