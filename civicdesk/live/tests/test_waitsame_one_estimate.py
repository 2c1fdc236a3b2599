"""One estimate per ticket at one instant, wherever she reads it.

The ticket API (`/api/v1/queues/tickets/<token>`), the ticket page and the live ticket page and
stream each estimated the wait with their own reuse of the estimator's history: the API and the
ticket page kept the site's estimates for CIVICDESK_QUEUES_ESTIMATE_SECONDS (a live snapshot made
since was not among them), re-read the slow history after CIVICDESK_QUEUES_JOIN_HISTORY_SECONDS
and the delay history every time; the live snapshot re-read the slow history after
CIVICDESK_LIVE_HISTORY_SECONDS (the stale one once more while a thread re-reads it) and the delay
history after CIVICDESK_QUEUES_ESTIMATE_SECONDS. At one instant a visitor could read two
figures. Now they all take the site's estimates from queues/state_cache.py under one rule
(`shown_state`, `snapshot_estimates`, `shown_wait`), and a live snapshot's are the ones the
ticket reads that follow give.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from civicdesk.live.models import LiveEvent
from civicdesk.live.publisher import publish_site_changes
from civicdesk.live.snapshot import site_snapshot, ticket_snapshot
from civicdesk.queues import services, state_cache
from civicdesk.queues.models import Channel, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_caching(settings):
    """The caching a real site runs with (the test settings turn it off)."""
    settings.CIVICDESK_LIVE_HISTORY_SECONDS = 30
    settings.CIVICDESK_QUEUES_JOIN_HISTORY_SECONDS = 30
    # Long enough that a slow machine does not let the cached estimates expire mid-test.
    settings.CIVICDESK_QUEUES_ESTIMATE_SECONDS = 60
    state_cache.clear()
    yield
    state_cache.clear()


def _number_in(html: str, attribute: str) -> int:
    return int(re.search(rf'{attribute}="(\d+)"', html).group(1))


def _everywhere(client, site, mine, *, api_first=False) -> dict[str, tuple[int, int]]:
    """(people ahead, minutes) for `mine` as each reader gives them, all at this instant."""
    mine = Ticket.objects.select_related("counter", "site", "service").get(pk=mine.pk)
    seen = {}

    def stream():
        # What the publisher sends to every live page at the site after a change.
        LiveEvent.objects.all().delete()
        publish_site_changes(site.id, [(mine.pk, "requeued")])
        sent = LiveEvent.objects.get(channel=f"ticket:{mine.token}").payload["ticket"]
        seen["stream"] = (sent["ahead"], sent["wait_minutes"])

    def live():
        page = client.get(reverse("live:ticket", args=[mine.token]))
        html = page.content.decode()
        seen["live page"] = (_number_in(html, "data-ahead"), _number_in(html, "data-wait"))
        snap = ticket_snapshot(mine, site_snapshot(site.id))
        seen["live snapshot"] = (snap["ahead"], snap["wait_minutes"])

    def api_and_page():
        api = client.get(f"/api/v1/queues/tickets/{mine.token}").json()
        seen["api"] = (api["people_ahead"], api["estimated_wait_minutes"])
        page = client.get(reverse("queues:ticket", kwargs={"token": mine.token}))
        seen["ticket page"] = (page.context["ahead"], page.context["wait_minutes"])

    for read in (api_and_page, live, stream) if api_first else (stream, live, api_and_page):
        read()
    return seen


def _one_figure(seen: dict[str, tuple[int, int]]) -> tuple[int, int]:
    assert len(set(seen.values())) == 1, seen
    return next(iter(seen.values()))


@pytest.mark.parametrize("api_first", [False, True], ids=["live-first", "api-first"])
def test_after_a_call_every_reader_gives_the_same_wait(
    client,
    clock,
    settings,
    site,
    service,
    counter,
    officer,
    api_first,
    django_capture_on_commit_callbacks,
):
    settings.CIVICDESK_LIVE_COALESCE_MS = 0  # the change is published as it commits
    tickets = []
    for _ in range(6):
        tickets.append(services.ticket_issue(service=service, channel=Channel.KIOSK))
        clock.shift(timedelta(seconds=30))
    mine = tickets[-1]
    before = _one_figure(_everywhere(client, site, mine, api_first=api_first))
    assert before[0] == 5 and before[1] > 0
    # The counter calls the first (its live event goes out as it commits); four minutes into
    # that visit she looks again.
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_call_next(actor=officer, counter=counter)
    clock.shift(timedelta(minutes=4))
    after = _one_figure(_everywhere(client, site, mine, api_first=api_first))
    assert after[0] == 4
    assert after[1] < before[1]  # one fewer ahead and the visit in progress is under way


@pytest.mark.parametrize("api_first", [False, True], ids=["live-first", "api-first"])
def test_the_history_is_reused_by_one_rule(
    client, clock, site, service, counter, officer, api_first
):
    """Visits finished since the history was read: every reader still uses the same history
    (or every one the new one), never one each."""
    settings_ages = (60, 30)  # live pages and ticket reads configured apart (an operator may)
    from django.conf import settings

    settings.CIVICDESK_LIVE_HISTORY_SECONDS, settings.CIVICDESK_QUEUES_JOIN_HISTORY_SECONDS = (
        settings_ages
    )
    tickets = [services.ticket_issue(service=service, channel=Channel.KIOSK) for _ in range(8)]
    mine = tickets[-1]
    _one_figure(_everywhere(client, site, mine, api_first=api_first))  # the history is read now
    # Three quick visits (20 s each where ten minutes were expected) in the next 40 s.
    for _ in range(3):
        called = services.ticket_call_next(actor=officer, counter=counter)
        services.ticket_start(actor=officer, ticket=called)
        clock.shift(timedelta(seconds=13))
        services.ticket_finish(actor=officer, ticket=called)
    state_cache._estimates.clear()  # the site's estimates ran out; the history did not
    ahead, _minutes = _one_figure(_everywhere(client, site, mine, api_first=api_first))
    assert ahead == 4


def test_a_page_opened_after_an_event_reuses_its_estimates(client, clock, site, service, counter):
    """The live stream stays as cheap as before: the estimates a change's snapshot made are the
    ones the ticket API, the ticket page and a live page opened next give (no new run)."""
    tickets = [services.ticket_issue(service=service, channel=Channel.KIOSK) for _ in range(4)]
    publish_site_changes(site.id, [(tickets[-1].pk, "issued")])
    kept = state_cache._estimates[site.id]
    seen = _everywhere(client, site, tickets[-1], api_first=True)
    assert state_cache._estimates[site.id] is kept
    assert set(seen.values()) == {(3, round(kept.waits[tickets[-1].pk].total_seconds() / 60))}
    services.ticket_issue(service=service, channel=Channel.KIOSK)  # the queue moved
    publish_site_changes(site.id, [(tickets[-1].pk, "issued")])
    assert state_cache._estimates[site.id] is not kept


def test_beyond_the_live_list_the_figure_is_the_same_too(
    client, clock, settings, site, service, counter
):
    settings.CIVICDESK_LIVE_ORDER_LIMIT = 3
    settings.CIVICDESK_QUEUES_ESTIMATE_HORIZON = 3
    tickets = []
    for _ in range(6):
        tickets.append(services.ticket_issue(service=service, channel=Channel.KIOSK))
        clock.shift(timedelta(seconds=20))
    for mine, ahead in ((tickets[1], 1), (tickets[4], 4)):
        state_cache.clear()
        for api_first in (False, True):
            assert _one_figure(_everywhere(client, site, mine, api_first=api_first))[0] == ahead
