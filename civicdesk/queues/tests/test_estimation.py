"""The live-state wait estimator on constructed states (time frozen)."""

from datetime import timedelta

import pytest

from civicdesk.queues import services
from civicdesk.queues.estimation import (
    Job,
    SiteState,
    abandon_rates,
    estimate_join_wait,
    estimate_wait,
    join_estimate_seconds,
    naive_estimate_wait,
    predict,
)
from civicdesk.queues.models import Channel, TicketStatus
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.factories import CounterFactory
from civicdesk.queues.wait_blend import DelayHistory


class _Service:
    def __init__(self, minutes=10, run=2):
        self.default_service_minutes = minutes
        self.priority_run = run
        self.priority_streak = 0


def _state(counters, waiting=(), per_call=600.0, services=None):
    services = services or {1: _Service()}
    state = SiteState(
        at=OPEN_MORNING,
        services=services,
        per_call=dict.fromkeys(services, per_call),
        counters=list(counters),
    )
    for index, (service_id, lane) in enumerate(waiting):
        job = Job(index + 1, service_id, OPEN_MORNING - timedelta(minutes=60 - index), lane)
        state.waiting.setdefault(service_id, []).append(job)
    return state


def test_free_counter_means_no_wait():
    assert join_estimate_seconds(_state([(0.0, frozenset({1}))]), 1, "normal") == 0


def test_people_ahead_are_shared_between_counters():
    one = _state([(0.0, frozenset({1}))], [(1, "normal")] * 4)
    two = _state([(0.0, frozenset({1})), (0.0, frozenset({1}))], [(1, "normal")] * 4)
    assert join_estimate_seconds(one, 1, "normal") == 4 * 600
    assert join_estimate_seconds(two, 1, "normal") == 2 * 600


def test_visit_in_progress_counts_its_remaining_time():
    # The only counter is busy for 4 more minutes, nobody waits: wait 4 minutes, not 10.
    state = _state([(240.0, frozenset({1}))])
    assert join_estimate_seconds(state, 1, "normal") == 240


def test_shared_counter_serves_the_other_service_first_if_it_joined_first():
    services = {1: _Service(), 2: _Service()}
    state = _state([(0.0, frozenset({1, 2}))], [(2, "normal"), (2, "normal")], services=services)
    assert join_estimate_seconds(state, 1, "normal") == 2 * 600


def test_priority_lane_goes_before_normal_tickets_but_normal_ones_expect_overtaking():
    state = _state([(0.0, frozenset({1}))], [(1, "normal")] * 3)
    assert join_estimate_seconds(state, 1, "elderly") == 0
    base = join_estimate_seconds(state, 1, "normal")
    state.priority_rate[1] = 6 / 3600  # six priority visitors an hour
    assert join_estimate_seconds(state, 1, "normal") > base


def test_people_giving_up_shorten_the_wait():
    state = _state([(0.0, frozenset({1}))], [(1, "normal")] * 5)
    base = join_estimate_seconds(state, 1, "normal")
    state.abandon_rate[1] = 1 / 1800
    assert join_estimate_seconds(state, 1, "normal") < base


def test_abandon_rate_is_give_ups_over_time_waited():
    at = OPEN_MORNING
    rows = [
        (1, TicketStatus.CANCELLED, at - timedelta(minutes=40), None, at - timedelta(minutes=10)),
        (1, TicketStatus.DONE, at - timedelta(minutes=60), at - timedelta(minutes=30), at),
    ]
    # 30 + 30 waiting minutes, one give-up: one per hour.
    assert abandon_rates(rows, at)[1] == pytest.approx(1 / 3600)


def test_with_tickets_in_the_database(clock, site, service, counter, officer):
    CounterFactory(site=site, name="2", services=[service])
    for _ in range(4):
        services.ticket_issue(service=service, channel=Channel.KIOSK)
    last = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.counter_open(actor=officer, counter=counter)
    # Two counters open (the second has no officer yet: only the first is open).
    assert estimate_wait(last) == timedelta(minutes=40)
    assert naive_estimate_wait(last) == timedelta(minutes=40)
    services.ticket_call_next(actor=officer, counter=counter)
    clock.shift(timedelta(minutes=4))
    last.refresh_from_db()
    # Three ahead and the visit in progress has about 6 of its 10 minutes left.
    assert estimate_wait(last) == timedelta(minutes=36)
    assert estimate_join_wait(service, "normal") == timedelta(minutes=46)


def test_called_ticket_waits_no_more(clock, service, counter, officer):
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    ticket.refresh_from_db()
    assert estimate_wait(ticket) == timedelta(0)


def _queue(people: int, counters: int = 2) -> SiteState:
    state = _state([(0.0, frozenset({1}))] * counters)
    state.waiting[1] = [
        Job(i + 1, 1, OPEN_MORNING - timedelta(seconds=people - i), "normal") for i in range(people)
    ]
    return state


def test_behind_the_horizon_each_place_adds_one_call_per_counter():
    state = _queue(40)
    everyone = predict(state, DelayHistory(), horizon=0)
    cut = predict(state, DelayHistory(), horizon=10)
    assert set(cut) == set(everyone) == set(range(1, 41))
    # The first ten are played out as before (the replay is deterministic).
    for ticket_id in range(1, 11):
        assert cut[ticket_id][1]["ql"] == everyone[ticket_id][1]["ql"]
    # Each one further back: the last one played plus 600 s ÷ 2 counters per place, which is
    # within one visit of playing everyone out (two counters call in pairs).
    last = cut[10][1]["ql"]
    for ticket_id in range(11, 41):
        values = cut[ticket_id][1]
        assert values["k"] == ticket_id - 1
        assert values["ql"] == pytest.approx(last + (ticket_id - 10) * 300)
        assert abs(values["ql"] - everyone[ticket_id][1]["ql"]) <= 600
        assert cut[ticket_id][0] >= cut[ticket_id - 1][0]


def test_only_the_places_asked_for_and_the_newcomer_are_answered():
    state = _queue(40)
    newcomer = Job(None, 1, OPEN_MORNING + timedelta(seconds=1), "normal")
    cut = predict(state, DelayHistory(), newcomer, horizon=10, answer=0)
    assert set(cut) == {None}
    assert set(predict(state, DelayHistory(), horizon=10, answer=25)) == set(range(1, 26))
    assert cut[None][1]["k"] == 40
    everyone = predict(state, DelayHistory(), newcomer, horizon=0)
    assert abs(cut[None][1]["ql"] - everyone[None][1]["ql"]) <= 600


def test_the_horizon_comes_from_the_settings(settings):
    state = _queue(30)
    settings.CIVICDESK_QUEUES_ESTIMATE_HORIZON = 5
    cut = predict(state, DelayHistory())
    assert cut[6][1]["ql"] == pytest.approx(cut[5][1]["ql"] + 300)  # one place, 600 s ÷ 2
    settings.CIVICDESK_QUEUES_ESTIMATE_HORIZON = 0
    everyone = predict(state, DelayHistory())
    assert cut[5][1]["ql"] == everyone[5][1]["ql"]
    assert everyone[6][1]["ql"] == everyone[5][1]["ql"]  # the two counters call 5 and 6 together


def test_a_service_with_nobody_waiting_is_left_out():
    state = _queue(3)
    state.services[2] = _Service()
    state.per_call[2] = 600.0
    state.waiting[2] = []
    assert set(predict(state, DelayHistory(), horizon=2)) == {1, 2, 3}
