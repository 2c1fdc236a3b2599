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
    assert LiveEvent.objects.filter(channel=f"ticket:{second.token}").count() == 1
    assert LiveEvent.objects.filter(channel=f"ticket:{first.token}").get().type == "called"


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
