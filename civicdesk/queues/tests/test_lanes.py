"""The lane rule: the count formula agrees with the call order it summarises, and no lane starves."""

from hypothesis import given
from hypothesis import strategies as st

from civicdesk.queues.lanes import call_order, calls_before

counts = st.integers(min_value=0, max_value=25)


@given(priority=counts, normal=counts, run=st.integers(0, 6), limit=st.integers(1, 5))
def test_count_formula_matches_the_call_order(priority, normal, run, limit):
    p = [("p", i) for i in range(priority)]
    n = [("n", i) for i in range(normal)]
    order = [t for t, _run in call_order(p, n, run=run, limit=limit)]
    for index, (lane, position) in enumerate(order):
        is_priority = lane == "p"
        assert index == calls_before(
            lane_is_priority=is_priority,
            same_lane_ahead=position,
            other_lane_waiting=normal if is_priority else priority,
            run=run,
            limit=limit,
        )


@given(priority=counts, normal=counts, limit=st.integers(1, 5))
def test_neither_lane_starves(priority, normal, limit):
    order = [t for t, _run in call_order(["p"] * priority, ["n"] * normal, run=0, limit=limit)]
    streak = longest = 0
    for lane in order:
        streak = streak + 1 if lane == "p" else 0
        longest = max(longest, streak)
    if normal:
        assert longest <= limit or order[-longest:] == ["p"] * longest  # only once normals ran out
    if priority and normal:
        assert order[0] == "p"  # a priority visitor never waits behind a whole normal queue
