"""Monte Carlo look-ahead from the live state: the *median* wait of each visitor (pure).

The deterministic replay of estimation.py moves every visit by its mean length, so it predicts
something close to the mean wait. The figure we are judged on is the absolute error, whose best
answer is the median, and waits are skewed (a long visit in progress holds a counter for long;
a few long visits ahead delay everyone). So, as in the simulation-based "snapshot" predictors of
Senderovich et al. (2015), the next hours are played RUNS times from the state as it stands:

- a busy counter is free after the rest of its visit in progress, drawn from the service's recent
  visit lengths *longer than the time already spent* (the conditional residual; Whitt 1999);
- each visit called takes a length drawn from the service's recent visit lengths (counter time per
  call: walking up, recalls and no-shows included), so their spread and skew are the real ones,
  rescaled to the counter time per call of this hour (estimation.per_call_seconds);
- priority visitors keep arriving (Poisson, the rate of the last hour) and are called by the real
  rule (`lanes.take_priority`: at most K in a row while a normal ticket waits);
- visitors ahead give up with the observed rate (exponential patience), and free their place;
- a counter serving several services takes the head that joined first, as `ticket_call_next`.

A visitor's estimate is the median of their call time over the runs, each run weighed by the
chance the visitor is still there then (`_served_median`). The runs are seeded from the
instant, so the same state gives the same answer.
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
from collections import deque
from statistics import median

from civicdesk.queues.lanes import NORMAL, take_priority

RUNS = 48
# Work per estimate is about runs × people waiting. Up to WORK_BUDGET ÷ RUNS people every run
# is played; beyond that fewer runs (never under MIN_RUNS): with many people ahead the median of
# the sum of their visits varies less from run to run, and a join must stay cheap on a full day.
WORK_BUDGET = RUNS * 60
MIN_RUNS = 8
FUTURE_PRIORITY_LEVEL = 1
SLOT = 900.0  # seconds: the grain of the usual staffing (see usual_schedule)
HORIZON_SLOTS = 16  # four hours ahead
MARGIN = 300.0  # activity this close to a slot counts as staffed (short idle gaps)
PROFILE_DAYS = 7


def usual_schedule(
    intervals: list[tuple[float, float]],
    at: float,
    previous_days: list[float],
    now_open: bool | None = None,
) -> list[bool] | None:
    """Whether a counter is usually staffed in each of the next HORIZON_SLOTS slots of SLOT
    seconds from `at` (epoch seconds), from its activity (visits called and served, as
    (start, end) epoch seconds, by start) at the same time of day on the previous days the site
    worked (`previous_days`: how many seconds back each one is). Staffed in a slot if it was on at
    least half of those days; None without previous days (then it stays as it is now). When
    whether it is open now is known (`now_open`), that decides the first slot.

    This is how the look-ahead knows that two counters go to lunch at noon and come back at one,
    or that the afternoon shift starts at two (Ibrahim & Whitt 2011: time-varying staffing)."""
    if not previous_days:
        return None
    starts = [start for start, _end in intervals]
    slots = []
    for j in range(HORIZON_SLOTS):
        staffed = 0
        for back in previous_days:
            low = at - back + j * SLOT - MARGIN
            high = at - back + (j + 1) * SLOT + MARGIN
            # Any interval overlapping [low, high): starts before high and ends after low.
            index = bisect.bisect_left(starts, high)
            staffed += any(intervals[i][1] > low for i in range(max(0, index - 3), index))
        slots.append(staffed * 2 >= len(previous_days))
    if now_open is not None:
        slots[0] = now_open
    return slots


def _next_staffed(schedule: list[bool] | None, offset: float) -> float | None:
    """The earliest time from `offset` at which the counter is staffed, or None."""
    if schedule is None:
        return offset
    slot = int(offset // SLOT)
    if slot >= len(schedule) or schedule[slot]:
        return offset
    for later in range(slot + 1, len(schedule)):
        if schedule[later]:
            return later * SLOT
    return None


def _draw(rng: random.Random, lengths: list[float], fallback: float) -> float:
    # No visit of the service finished yet: its usual time (as the queue-length predictor).
    return rng.choice(lengths) if lengths else fallback


def _residual(rng, lengths: list[float], elapsed: float, fallback: float) -> float:
    longer = [d - elapsed for d in lengths if d > elapsed]
    if longer:
        return rng.choice(longer)
    return max(fallback - elapsed, 0.3 * fallback)


def simulate_waits(state, extra=None, *, runs: int = RUNS) -> dict:
    """Median seconds until each waiting job (and `extra`, keyed None) is called."""
    jobs_by_service: dict[int, list] = {s: list(js) for s, js in state.waiting.items()}
    if extra is not None:
        jobs_by_service.setdefault(extra.service_id, []).append(extra)
    counters = list(state.counters)
    busy = list(getattr(state, "busy", None) or [None] * len(counters))
    busy += [None] * (len(counters) - len(busy))
    schedule = list(getattr(state, "schedule", None) or [None] * len(counters))
    schedule += [None] * (len(counters) - len(schedule))
    for served, later in getattr(state, "later", None) or []:
        # A counter closed now that is usually staffed later (after lunch, the next shift).
        first = next((j * SLOT for j, on in enumerate(later) if on), None)
        if first is not None:
            counters.append((first, served))
            busy.append(None)
            schedule.append(later)
    served_any = set().union(*(s for _f, s in counters)) if counters else set()
    for service_id in jobs_by_service:
        if service_id not in served_any:
            counters.append((0.0, frozenset({service_id})))
            busy.append(None)
            schedule.append(None)
    # The shape of the visit lengths comes from the recent visits, their level from the counter
    # time per call (which weighs the hour of day and starts from the service's usual minutes),
    # so a handful of visits early in the day cannot swing the look-ahead.
    samples = {}
    for service_id, lengths in (getattr(state, "lengths", {}) or {}).items():
        mean = sum(lengths) / len(lengths) if lengths else 0.0
        level = state.per_call.get(service_id, mean)
        samples[service_id] = [d * level / mean for d in lengths] if mean > 0 else []
    targets = [j for js in jobs_by_service.values() for j in js]
    if not targets:
        return {}
    runs = min(runs, max(MIN_RUNS, WORK_BUDGET // len(targets)))
    starts: dict = {j.ticket_id: [] for j in targets}
    horizon_rng = random.Random(int(state.at.timestamp() * 1000))  # noqa: S311 - not a secret
    for _run in range(runs):
        rng = random.Random(horizon_rng.random())  # noqa: S311
        got = _one_run(state, jobs_by_service, counters, busy, schedule, samples, rng, extra)
        for key, value in got.items():
            starts[key].append(value)
    service_of = {j.ticket_id: j.service_id for j in targets}
    return {
        key: _served_median(values, state.abandon_rate.get(service_of[key], 0.0))
        for key, values in starts.items()
        if values
    }


def _served_median(values: list[float], give_up_rate: float) -> float:
    """The median wait of those who stay to be called. Visitors give up at `give_up_rate`, so a
    wait w is still there to be called with chance e^(−θw): weigh each replay by it (the error is
    taken over visitors who were called, and they are the ones the estimate is for)."""
    if give_up_rate <= 0:
        return median(values)
    ordered = sorted(values)
    weights = [math.exp(-give_up_rate * value) for value in ordered]
    half, running = sum(weights) / 2, 0.0
    for value, weight in zip(ordered, weights, strict=True):
        running += weight
        if running >= half:
            return value
    return ordered[-1]


def _one_run(state, jobs_by_service, counters, busy, schedule, samples, rng, extra) -> dict:
    lanes: dict[int, tuple[list, deque]] = {}
    runs_so_far: dict[int, int] = {}
    strict: dict[int, bool] = {}
    for service_id, jobs in jobs_by_service.items():
        service = state.services[service_id]
        strict[service_id] = bool(getattr(service, "strict", False))
        priority = sorted(
            (j for j in jobs if j.lane != NORMAL), key=lambda j: (-j.level, j.queued_at)
        )
        normal = deque(sorted((j for j in jobs if j.lane == NORMAL), key=lambda j: j.queued_at))
        lanes[service_id] = (priority, normal)
        runs_so_far[service_id] = service.priority_streak
    # Future priority arrivals (offsets in seconds), only while a normal visitor waits.
    arrivals: dict[int, deque] = {}
    for service_id, (_priority, normal) in lanes.items():
        rate = state.priority_rate.get(service_id, 0.0)
        times: deque = deque()
        if rate > 0 and normal:
            t = rng.expovariate(rate)
            while t < 4 * 3600:
                times.append(t)
                t += rng.expovariate(rate)
        arrivals[service_id] = times
    patience = {}
    for service_id, (priority, normal) in lanes.items():
        theta = state.abandon_rate.get(service_id, 0.0)
        if theta > 0:
            for job in (*priority, *normal):
                if job is not extra:  # the visitor asking is assumed to stay
                    patience[id(job)] = rng.expovariate(theta)
    heap = []
    for index, (free, _served) in enumerate(counters):
        info = busy[index]
        if info is not None:
            service_id, elapsed = info
            m = state.per_call.get(service_id, 600.0)
            free = _residual(rng, samples.get(service_id, []), elapsed, m)
        heap.append((free, index))
    heapq.heapify(heap)
    remaining = sum(len(p) + len(n) for p, n in lanes.values())
    result: dict = {}
    while remaining and heap:
        now, index = heapq.heappop(heap)
        staffed = _next_staffed(schedule[index], now)
        if staffed is None:
            continue  # gone for the rest of the look-ahead
        if staffed > now:
            heapq.heappush(heap, (staffed, index))
            continue
        best = best_service = None
        for service_id in counters[index][1]:
            if service_id not in lanes:
                continue
            priority, normal = lanes[service_id]
            future = arrivals[service_id]
            while future and future[0] <= now:
                priority.append(_Arrival(future.popleft()))
                if strict[service_id]:
                    priority.sort(key=lambda j: (-j.level, j.queued_at))
            # Visitors ahead who have given up by now leave their place.
            while priority and _gone(priority[0], now, patience):
                priority.pop(0)
                remaining -= 1
            while normal and _gone(normal[0], now, patience):
                normal.popleft()
                remaining -= 1
            if strict[service_id]:
                pick_priority = bool(priority)
            else:
                pick_priority = take_priority(
                    priority_waiting=bool(priority),
                    normal_waiting=bool(normal),
                    run=runs_so_far[service_id],
                    limit=state.services[service_id].priority_run,
                )
            head = priority[0] if pick_priority else (normal[0] if normal else None)
            if head is not None and (best is None or head.queued_at < best.queued_at):
                best, best_service, best_is_priority = head, service_id, pick_priority
        if best is None:
            continue
        priority, normal = lanes[best_service]
        if best_is_priority:
            priority.pop(0)
            runs_so_far[best_service] += 1
        else:
            normal.popleft()
            runs_so_far[best_service] = 0
        if not isinstance(best, _Arrival):
            result[best.ticket_id] = now
            remaining -= 1
        length = _draw(rng, samples.get(best_service, []), state.per_call.get(best_service, 600))
        heapq.heappush(heap, (now + length, index))
    return result


class _Arrival:
    """A priority visitor who joins during the look-ahead (never a target)."""

    __slots__ = ("lane", "level", "queued_at", "ticket_id")

    def __init__(self, offset):
        self.queued_at = _Later(offset)
        self.level = FUTURE_PRIORITY_LEVEL
        self.ticket_id = None
        self.lane = "priority"


class _Later:
    """Sorts after every real join time (it joined during the look-ahead)."""

    __slots__ = ("offset",)

    def __init__(self, offset):
        self.offset = offset

    def __lt__(self, other):
        return isinstance(other, _Later) and self.offset < other.offset

    def __gt__(self, other):
        return not isinstance(other, _Later) or self.offset > other.offset


def _gone(job, now: float, patience: dict) -> bool:
    return id(job) in patience and patience[id(job)] < now
