"""The Monte Carlo look-ahead (wait_sim.py) on constructed states with hand-computed answers."""

from datetime import timedelta

from civicdesk.queues.estimation import Job, SiteState
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.wait_sim import SLOT, _served_median, simulate_waits, usual_schedule

DAY = 86400.0


class _Service:
    default_service_minutes = 10
    priority_run = 2
    priority_streak = 0


def _state(counters, waiting=(), lengths=None, busy=None):
    # Counter time per call = the mean of the lengths given, so the draws are the lengths.
    per_call = sum(lengths) / len(lengths) if lengths else 600.0
    state = SiteState(
        at=OPEN_MORNING, services={1: _Service()}, per_call={1: per_call}, counters=list(counters)
    )
    for index, lane in enumerate(waiting):
        job = Job(index + 1, 1, OPEN_MORNING - timedelta(minutes=60 - index), lane)
        state.waiting.setdefault(1, []).append(job)
    state.lengths = {1: list(lengths)} if lengths else {}
    state.busy = busy or []
    return state


def _newcomer(lane="normal"):
    return Job(None, 1, OPEN_MORNING + timedelta(microseconds=1), lane)


def test_with_equal_visits_it_is_the_queue_length_answer():
    state = _state([(0.0, frozenset({1})), (0.0, frozenset({1}))], ["normal"] * 4, [300.0] * 5)
    # Four ahead on two counters of 5-minute visits: called after two rounds.
    assert simulate_waits(state, _newcomer())[None] == 600
    assert simulate_waits(state)[1] == 0 and simulate_waits(state)[4] == 300


def test_the_visit_in_progress_takes_its_conditional_rest():
    # Visits last 5 or 15 minutes; this one has run 400 s, so it is a 15-minute one: 500 s left.
    state = _state([(0.0, frozenset({1}))], lengths=[300.0, 900.0], busy=[(1, 400.0)])
    assert simulate_waits(state, _newcomer())[None] == 500


def test_the_answer_is_the_median_not_the_mean():
    # One ahead; three visits in four take a minute, one takes 1,000 s (mean 295 s).
    state = _state([(0.0, frozenset({1}))], ["normal"], [60.0, 60.0, 60.0, 1000.0])
    assert simulate_waits(state, _newcomer())[None] == 60


def test_a_counter_usually_away_is_waited_for():
    state = _state([(0.0, frozenset({1}))], lengths=[300.0], busy=[(1, 0.0)])
    state.schedule = [[True, False, False, True] + [True] * 12]  # away in slots 1 and 2
    # Free after 300 s, still in slot 0: the newcomer is called then.
    assert simulate_waits(state, _newcomer())[None] == 300
    # Free after 1,000 s, in slot 1: the counter is back in slot 3.
    state.lengths, state.per_call = {1: [1000.0]}, {1: 1000.0}
    assert simulate_waits(state, _newcomer())[None] == 3 * SLOT


def test_a_counter_closed_now_that_usually_opens_later_counts_from_then():
    state = _state([], ["normal"], [300.0])
    state.later = [(frozenset({1}), [False, False, True] + [True] * 13)]
    assert simulate_waits(state, _newcomer())[None] == 2 * SLOT + 300


def test_usual_schedule_finds_the_lunch_break_of_previous_days():
    at = 1_000_000.0  # "11:30"
    intervals = []
    for back in (DAY, 2 * DAY):
        # Busy until 12:00 (1,800 s from 11:30), away until 13:00, busy again until 15:00.
        intervals += [(at - back - 3600, at - back + 1800), (at - back + 5400, at - back + 12600)]
    schedule = usual_schedule(sorted(intervals), at, [DAY, 2 * DAY], now_open=True)
    # Slots of 15 minutes from 11:30: staffed to 12:00 (and 5 minutes either side), away to 13:00.
    assert schedule[:8] == [True, True, True, False, False, True, True, True]
    assert usual_schedule(intervals, at, []) is None


def test_visit_lengths_keep_their_shape_but_take_the_level_of_the_hour():
    state = _state([(0.0, frozenset({1}))], ["normal"] * 2, [100.0, 300.0])
    state.per_call = {1: 400.0}  # this hour's visits are twice as long as the recent ones
    # Two ahead, each 200 or 600 s: the median of the sums (400, 800, 800, 1200) is 800.
    assert simulate_waits(state, _newcomer())[None] == 800


def test_same_state_same_answer():
    state = _state(
        [(0.0, frozenset({1})), (0.0, frozenset({1}))],
        ["normal", "elderly", "normal"],
        [100.0, 400.0, 700.0, 900.0],
        busy=[(1, 200.0), None],
    )
    state.priority_rate[1] = 10 / 3600
    state.abandon_rate[1] = 1 / 1800
    assert simulate_waits(state, _newcomer()) == simulate_waits(state, _newcomer())


def test_the_median_is_of_those_who_stay():
    assert _served_median([60.0, 600.0, 650.0], 0.0) == 600
    # With visitors giving up every five minutes on average, long waits are rarely seen through.
    assert _served_median([60.0, 600.0, 650.0], 1 / 300) == 60
