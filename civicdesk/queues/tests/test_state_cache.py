"""Busy sites: public joins placed from one run of the estimator, the cached service, the
estimate told on the ticket page (state_cache.py, lookups.py)."""

from datetime import timedelta

import pytest

from civicdesk.queues import services, state_cache
from civicdesk.queues.estimation import estimate_with_predictors
from civicdesk.queues.lookups import service_for_join
from civicdesk.queues.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_caches():
    state_cache.clear()
    yield
    state_cache.clear()


def _join(service, *, max_age, lane="normal", **contact):
    return services.ticket_issue(
        service=service, channel="remote", lane=lane, estimate_max_age=max_age, **contact
    )


def test_without_a_window_every_join_runs_the_estimator_for_its_ticket(clock, service, counter):
    for _ in range(3):
        ticket = _join(service, max_age=0)
        stored = Ticket.objects.get(pk=ticket.pk)
        wait, values = estimate_with_predictors(stored)
        assert stored.estimate_at_join_seconds == int(wait.total_seconds())
        assert stored.estimate_features["k"] == values["k"] == ticket.ahead_at_join


def test_joins_within_the_window_are_placed_from_the_first(clock, service, counter):
    first = _join(service, max_age=60)
    assert first.ahead_at_join == 0
    anchor = state_cache._anchors[(service.site_id, service.pk, "normal")]
    later = [_join(service, max_age=60) for _ in range(4)]
    # No new run of the estimator: the anchor is the same object.
    assert state_cache._anchors[(service.site_id, service.pk, "normal")] is anchor
    assert [t.ahead_at_join for t in later] == [1, 2, 3, 4]
    per_place = anchor.per_place
    assert per_place > 0
    for ticket in later:
        stored = Ticket.objects.get(pk=ticket.pk)
        expected = int(anchor.seconds + ticket.ahead_at_join * per_place)
        assert stored.estimate_at_join_seconds == expected
        assert stored.estimate_features["k"] == ticket.ahead_at_join
        # The predictors that count places move with the place; the shared ones do not.
        assert stored.estimate_features["ql"] == pytest.approx(
            anchor.values["ql"] + ticket.ahead_at_join * per_place
        )
        assert stored.estimate_features["hol"] == anchor.values["hol"]
    assert later[-1].estimate_at_join_seconds > later[0].estimate_at_join_seconds


def test_a_call_moves_the_next_joiner_forward(clock, service, counter, officer):
    for _ in range(3):
        _join(service, max_age=60)
    services.ticket_call_next(actor=officer, counter=counter)
    after_call = _join(service, max_age=60)
    assert after_call.ahead_at_join == 2  # three joined, one called


def test_the_window_runs_out_and_the_estimator_runs_again(clock, service, counter):
    _join(service, max_age=60)
    anchor = state_cache._anchors[(service.site_id, service.pk, "normal")]
    clock.shift(timedelta(seconds=1))
    # Long out of date: the join runs the estimator itself.
    state_cache._anchors[(service.site_id, service.pk, "normal")].made -= (
        60 * state_cache.STALE_FACTOR + 1
    )
    _join(service, max_age=60)
    assert state_cache._anchors[(service.site_id, service.pk, "normal")] is not anchor


@pytest.mark.django_db(transaction=True)
def test_a_join_just_after_the_window_does_not_wait_for_the_estimator(
    clock, service, counter, monkeypatch
):
    """The anchor has just run out: the join is placed from it once more, and a thread of its
    own runs the estimator again meanwhile."""
    import threading
    import time

    from civicdesk.queues.tests.test_concurrency import _skip_in_memory_sqlite

    _skip_in_memory_sqlite()
    key = (service.site_id, service.pk, "normal")
    _join(service, max_age=60)
    anchor = state_cache._anchors[key]
    anchor.made -= 61
    release = threading.Event()
    real = state_cache._compute_new

    def held_back(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(state_cache, "_compute_new", held_back)
    second = _join(service, max_age=60)
    # Answered while the estimator is still running: from the old anchor.
    assert state_cache._anchors[key] is anchor and key in state_cache._computing
    assert second.ahead_at_join == 1
    assert second.estimate_at_join_seconds == int(anchor.seconds + anchor.per_place)
    release.set()
    deadline = time.monotonic() + 20
    while (
        state_cache._anchors[key] is anchor or key in state_cache._computing
    ) and time.monotonic() < deadline:
        time.sleep(0.05)
    fresh = state_cache._anchors[key]
    assert fresh is not anchor and fresh.ahead == 2  # run for a visitor joining after both
    assert key not in state_cache._computing
    third = _join(service, max_age=60)
    assert state_cache._anchors[key] is fresh  # within its window: used as it is
    assert third.estimate_at_join_seconds == int(fresh.seconds)


def test_lanes_have_their_own_anchor(clock, service, counter):
    _join(service, max_age=60)
    _join(service, max_age=60, lane="elderly")
    assert {key[2] for key in state_cache._anchors} == {"normal", "elderly"}


def test_the_near_notice_still_goes_out_at_join(clock, service, counter):
    from civicdesk.notify.models import OutboxMessage

    _join(service, max_age=60)
    told = _join(service, max_age=60, phone="+60 12 345 6789", notify_ahead=2)
    assert told.ahead_at_join == 1
    assert OutboxMessage.objects.filter(to="+60 12 345 6789").count() == 1
    assert Ticket.objects.get(pk=told.pk).near_notified_at is not None
    not_yet = _join(service, max_age=60, phone="+60 12 000 0000", notify_ahead=1)
    assert not_yet.ahead_at_join == 2
    assert not OutboxMessage.objects.filter(to="+60 12 000 0000").exists()


def test_ticket_wait_reuses_the_site_estimates_and_sees_new_tickets(clock, service, counter):
    a = _join(service, max_age=0)
    first = state_cache.ticket_wait(a, max_age=60)
    made = state_cache._estimates[service.site_id]
    assert state_cache.ticket_wait(a, max_age=60) == first
    assert state_cache._estimates[service.site_id] is made  # not run again
    b = _join(service, max_age=0)
    assert state_cache.ticket_wait(b, max_age=60) > timedelta(0)  # newer: run again for it
    assert state_cache._estimates[service.site_id] is not made


def test_the_cached_service_follows_changes_but_not_the_lane_count(
    service, django_assert_num_queries
):
    service_for_join(service.pk)
    with django_assert_num_queries(0):
        cached = service_for_join(service.pk)
    assert cached.site.agency_id == service.site.agency_id
    service.priority_streak = 3
    service.save(update_fields=["priority_streak"])
    with django_assert_num_queries(0):
        service_for_join(service.pk)
    service.name = "Passports"
    service.save()
    with django_assert_num_queries(1):
        assert service_for_join(service.pk).name == "Passports"
    assert service_for_join(10**6) is None


def test_reading_only_the_head_of_each_lane_changes_no_estimate_it_gives(
    clock, settings, site, service, other_service, counter, officer
):
    from civicdesk.queues.estimation import estimate_waits, site_state
    from civicdesk.queues.wait_history import delay_history

    settings.CIVICDESK_QUEUES_ESTIMATE_HORIZON = 6
    counter.services.add(other_service)
    lanes = ["normal", "normal", "elderly", "normal", "disabled", "normal", "normal"]
    for index in range(35):
        target = service if index % 3 else other_service
        services.ticket_issue(service=target, channel="kiosk", lane=lanes[index % len(lanes)])
        clock.shift(timedelta(seconds=40))
    services.ticket_call_next(actor=officer, counter=counter)
    whole = site_state(site.id)
    head = site_state(site.id, waiting_limit=6)
    assert sum(map(len, whole.waiting.values())) == 34
    for service_id, jobs in whole.waiting.items():  # at most six of each lane of each service
        priority = sum(1 for job in jobs if job.lane != "normal")
        expected = min(6, len(jobs) - priority) + min(6, priority)
        assert len(head.waiting[service_id]) == expected < len(jobs)
        assert head.waiting[service_id] == [job for job in jobs if job in head.waiting[service_id]]
    delays = delay_history(site.id, whole.at)
    given = estimate_waits(site.id, state=whole, answer=6, delays=delays)
    from_head = estimate_waits(site.id, state=head, answer=6, delays=delays)
    assert len(given) == 12 and from_head == given


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_ticket_reads_makes_the_site_estimates_once(
    clock, service, counter, monkeypatch
):
    from civicdesk.queues import estimation
    from civicdesk.queues.tests.test_concurrency import _skip_in_memory_sqlite, run_in_threads

    _skip_in_memory_sqlite()
    tickets = [services.ticket_issue(service=service, channel="kiosk") for _ in range(6)]
    made = []
    real = estimation.estimate_waits

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(estimation, "estimate_waits", counting)
    waits = run_in_threads(
        6, lambda i: state_cache.ticket_wait(tickets[i], max_age=60).total_seconds()
    )
    assert len(made) == 1
    assert waits == sorted(waits) and waits[-1] > 0
