"""Estimated wait for a ticket.

`naive_estimate_wait`: people ahead × mean service time ÷ open counters serving the service (kept
for comparison; `civicdesk bench waits` measures both).

`estimate_wait` / `estimate_waits` / `estimate_join_wait`: the estimate shown to visitors, from
`predict` (pure: the `bench waits --trace` replay calls it too). It reads the site's live state
once (`site_state`) and its recent delay history (`delay_history`), and combines several
predictors (wait_blend.py) by how well each did on the visitors called lately:

- `mc`, the Monte Carlo look-ahead of wait_sim.py (median call time over replays of the next
  hours with drawn visit lengths, conditional rests of the visits in progress, priority arrivals,
  give-ups and the counters' usual staffing);
- `ql`, the deterministic queue-length predictor below (Whitt 1999);
- the delay-history predictors (last to enter service, head of line, delay per place) and
  k × m ÷ c. See docs/estimated-wait.md for the method, its sources and the measured figures.

The blend moves away from `mc` alone only as far as a refit without the latest known waits
would have helped on them (`blend_weights`).

The deterministic queue-length predictor `ql`:

1. *Counter time per call* m_s by service and hour of day: the time a counter is taken by one
   call (walking up, recalls and no-shows included, not just the serving period), a kernel-
   weighted mean of recent periods (same hour weighs most, today counts double), with the
   service's usual minutes as a prior.
2. *Counters*: every open counter serving the service, busy ones free after the expected
   remaining time of their visit in progress, r = max(m − elapsed, 0.3·m).
3. *Replay of the call rule*: the waiting tickets of all services sharing those counters are
   called, in a deterministic replay, by the real rule (lanes.py per service, earliest joined
   across services at a counter), each taking m of its service; a ticket's wait is when its
   call comes.
4. *Who else will come first*: a normal-lane ticket is overtaken by priority tickets arriving
   while it waits (rate λ_p over the last hour, at most K per normal call):
   W ← W + λ_p·W·m/c, twice.
5. *Who will leave*: a visitor ahead who gives up frees the counter. With θ the rate of giving
   up (cancellations before a call ÷ time spent waiting, last 3 hours), a visitor ahead whose call
   would come at t takes the counter for m·e^(−θt) in expectation.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import DurationField, ExpressionWrapper, F

from civicdesk.core.clock import now
from civicdesk.queues.lanes import NORMAL, call_order
from civicdesk.queues.models import Counter, Service, Ticket, TicketPeriod, TicketStatus
from civicdesk.queues.selectors import (
    open_counter_count,
    people_ahead,
    people_ahead_of_new,
    waiting_counts_for,
)
from civicdesk.queues.wait_blend import (
    MIN_SAMPLES,
    PRIOR,
    Called,
    DelayHistory,
    combine,
    features,
    fit,
)
from civicdesk.queues.wait_history import add_usual_staffing, delay_history, recent_lengths
from civicdesk.queues.wait_sim import simulate_waits

RECENT_VISITS = 50
HISTORY_DAYS = 28
HISTORY_ROWS = 3000
PRIOR_WEIGHT = 3.0
MIN_RESIDUAL = 0.3
ABANDON_WINDOW = timedelta(hours=3)
HOLDOUT = 100  # latest known waits a refitted blend must predict better than the prior alone
SHRINK = (0.0, 0.5, 1.0)  # shares of the way from the prior to the fitted blend (blend_weights)


# --- the naive estimator ----------------------------------------------------------------------
def mean_service_time(service: Service) -> timedelta:
    """Mean of the last RECENT_VISITS finished serving periods, or the service's usual time."""
    durations = list(
        TicketPeriod.objects.filter(
            service=service, status=TicketStatus.SERVING, ended_at__isnull=False
        )
        .order_by("-ended_at")
        .annotate(length=ExpressionWrapper(F("ended_at") - F("started_at"), DurationField()))
        .values_list("length", flat=True)[:RECENT_VISITS]
    )
    if not durations:
        return timedelta(minutes=service.default_service_minutes)
    return sum(durations, timedelta(0)) / len(durations)


def _naive(ahead: int, service: Service) -> timedelta:
    counters = max(open_counter_count(service), 1)
    return mean_service_time(service) * ahead / counters


def naive_estimate_wait(ticket: Ticket) -> timedelta:
    """People ahead × mean service time ÷ open counters (at least one). Zero once called."""
    if ticket.status != TicketStatus.WAITING:
        return timedelta(0)
    return _naive(people_ahead(ticket), ticket.service)


def naive_estimate_join_wait(service: Service, lane: str) -> timedelta:
    return _naive(people_ahead_of_new(service, lane), service)


# --- the live-state estimator -----------------------------------------------------------------
@dataclass
class Job:
    ticket_id: int | None
    service_id: int
    queued_at: datetime
    lane: str
    level: int = 0  # priority level, for logs served strictly by level (`service.strict`)


@dataclass
class SiteState:
    """What the estimator knows about one site at one instant (read in a handful of queries)."""

    at: datetime
    services: dict[int, Service]
    per_call: dict[int, float]  # seconds a counter spends per call, by service
    counters: list[tuple[float, frozenset[int]]]  # (free in seconds, services it serves)
    waiting: dict[int, list[Job]] = field(default_factory=dict)  # by service, queued_at order
    priority_rate: dict[int, float] = field(default_factory=dict)  # priority joins per second
    abandon_rate: dict[int, float] = field(default_factory=dict)  # give-ups per waiting second
    # For the Monte Carlo look-ahead (wait_sim.py): per counter (same order as `counters`) the
    # service and elapsed seconds of its visit in progress, or None; recent counter times per call.
    busy: list[tuple[int, float] | None] = field(default_factory=list)
    lengths: dict[int, list[float]] = field(default_factory=dict)
    # Usual staffing in the next hours (wait_sim.usual_schedule), per counter of `counters`, and
    # counters closed now that usually open later: (services they serve, schedule).
    schedule: list[list[bool] | None] = field(default_factory=list)
    later: list[tuple[frozenset[int], list[bool]]] = field(default_factory=list)
    open_counters: list[int] = field(default_factory=list)  # ids, in the order of `counters`
    # With site_state(waiting_limit=...): (normal, priority) waiting per service, from the tally
    # (`waiting` then holds only the head of each lane).
    waiting_counts: dict[int, tuple[int, int]] | None = None


def _hour_weight(at_hour: int, hour: int) -> float:
    gap = min(abs(at_hour - hour), 24 - abs(at_hour - hour))
    return {0: 1.0, 1: 0.5}.get(gap, 0.15)


def per_call_seconds(rows, services: dict, at: datetime, tz) -> dict[int, float]:
    """Kernel-weighted mean counter time per call, by service.

    `rows`: (service_id, status, started_at, ended_at) of finished called/serving periods. Each
    period weighs by how close its hour of day is to now (same hour 1, next hour 0.5, else 0.15),
    twice if it was today; the service's usual minutes count as PRIOR_WEIGHT calls.
    """
    local_now = at.astimezone(tz)
    time_sum: dict[int, float] = defaultdict(float)
    calls: dict[int, float] = defaultdict(float)
    for service_id, status, started, ended in rows:
        local = started.astimezone(tz)
        weight = _hour_weight(local_now.hour, local.hour) * (
            2.0 if local.date() == local_now.date() else 1.0
        )
        time_sum[service_id] += weight * (ended - started).total_seconds()
        if status == TicketStatus.CALLED:
            calls[service_id] += weight
    result = {}
    for service_id, service in services.items():
        prior = service.default_service_minutes * 60.0
        result[service_id] = (time_sum[service_id] + PRIOR_WEIGHT * prior) / (
            calls[service_id] + PRIOR_WEIGHT
        )
    return result


def _per_call_seconds(services: dict[int, Service], at: datetime, tz) -> dict[int, float]:
    rows = (
        TicketPeriod.objects.filter(
            service_id__in=list(services),
            status__in=[TicketStatus.CALLED, TicketStatus.SERVING],
            ended_at__isnull=False,
            started_at__gte=at - timedelta(days=HISTORY_DAYS),
            started_at__lte=at,
        )
        .order_by("-started_at")
        .values_list("service_id", "status", "started_at", "ended_at")[:HISTORY_ROWS]
    )
    return per_call_seconds(rows, services, at, tz)


def abandon_rates(rows, at: datetime) -> dict[int, float]:
    """Rate at which waiting visitors give up, by service: cancellations before being called
    divided by the time spent waiting (the maximum-likelihood rate of an exponential patience).

    `rows`: (service_id, status, joined_at, called_at, finished_at) of recent tickets.
    """
    gave_up: dict[int, int] = defaultdict(int)
    exposure: dict[int, float] = defaultdict(float)
    for service_id, status, joined_at, called_at, finished_at in rows:
        if called_at is not None:
            end = called_at
        elif status == TicketStatus.CANCELLED and finished_at is not None:
            end = finished_at
            gave_up[service_id] += 1
        else:
            end = at
        exposure[service_id] += max((min(end, at) - joined_at).total_seconds(), 0.0)
    return {
        service_id: gave_up[service_id] / seconds
        for service_id, seconds in exposure.items()
        if seconds >= 1800 and gave_up[service_id]
    }


def site_state(
    site_id: int,
    *,
    at: datetime | None = None,
    history: SiteState | None = None,
    waiting_limit: int | None = None,
) -> SiteState:
    """The site's state at `at`. With `history` (an earlier state of the same site), its
    slow-moving parts (per-call times over weeks, priority and abandonment rates over hours)
    are reused instead of read again: live pages rebuild the state many times a minute.

    `waiting_limit`: only the first this many waiting of each lane (normal, priority) of each
    service are read, enough to call the first `waiting_limit` of each service in order; the
    estimates of those do not depend on anyone behind them. Live pages list no more, and at a
    queue of thousands reading everyone was most of a snapshot's cost. 0 reads none (for a state
    kept only for its history); `waiting_counts` then has the true sizes."""
    at = at or now()
    services = {
        s.id: s
        for s in Service.objects.filter(site_id=site_id, is_active=True).select_related("site")
    }
    if not services:
        return SiteState(at=at, services={}, per_call={}, counters=[])
    tz = ZoneInfo(next(iter(services.values())).site.timezone)
    reuse = history is not None and set(history.per_call) == set(services)
    per_call = dict(history.per_call) if reuse else _per_call_seconds(services, at, tz)
    serves: dict[int, set[int]] = defaultdict(set)
    for counter_id, service_id in Counter.services.through.objects.filter(
        counter__site_id=site_id, counter__is_open=True, counter__is_active=True
    ).values_list("counter_id", "service_id"):
        if service_id in services:
            serves[counter_id].add(service_id)
    busy = {
        t.counter_id: t
        for t in Ticket.objects.filter(
            site_id=site_id,
            counter_id__in=list(serves),
            status__in=[TicketStatus.CALLED, TicketStatus.SERVING],
        ).only("counter_id", "service_id", "called_at", "last_called_at", "started_at")
    }
    counters, in_progress = [], []
    for counter_id, served in serves.items():
        free, visit = 0.0, None
        ticket = busy.get(counter_id)
        if ticket is not None:
            m = per_call.get(ticket.service_id, 600.0)
            elapsed = (at - (ticket.called_at or at)).total_seconds()
            free = max(m - elapsed, MIN_RESIDUAL * m)
            visit = (ticket.service_id, elapsed)
        counters.append((free, frozenset(served)))
        in_progress.append(visit)
    state = SiteState(at=at, services=services, per_call=per_call, counters=counters)
    state.busy = in_progress
    state.open_counters = list(serves)
    # Recent visit lengths and the counters' usual staffing (weeks of periods) move as slowly as
    # the rest of the history: reused with it while the same counters are open.
    if reuse:
        state.lengths = history.lengths
    else:
        state.lengths = recent_lengths(site_id, at)
    if reuse and history.open_counters == state.open_counters:
        state.schedule, state.later = history.schedule, history.later
    else:
        add_usual_staffing(state, site_id, state.open_counters, tz)
    rows, state.waiting_counts = _waiting_rows(services, waiting_limit)
    for ticket_id, service_id, queued_at, lane in rows:
        if service_id in services:
            state.waiting.setdefault(service_id, []).append(
                Job(ticket_id, service_id, queued_at, lane)
            )
    if reuse:
        state.priority_rate = dict(history.priority_rate)
        state.abandon_rate = dict(history.abandon_rate)
        return state
    recent = Ticket.objects.filter(
        site_id=site_id, joined_at__gte=at - timedelta(hours=1), joined_at__lte=at
    ).values_list("service_id", "lane")
    for service_id, lane in recent:
        if lane != NORMAL:
            state.priority_rate[service_id] = state.priority_rate.get(service_id, 0) + 1 / 3600
    state.abandon_rate = abandon_rates(
        Ticket.objects.filter(
            site_id=site_id, joined_at__gte=at - ABANDON_WINDOW, joined_at__lte=at
        ).values_list("service_id", "status", "joined_at", "called_at", "finished_at"),
        at,
    )
    return state


def _waiting_rows(
    services: dict[int, Service], limit: int | None
) -> tuple[list[tuple], dict[int, tuple[int, int]] | None]:
    """(id, service id, queued_at, lane) of the waiting, in queued_at order, and, with `limit`,
    the tally's (normal, priority) waiting per service. With `limit`, only the first `limit` of
    each lane of each service: a lane the tally shows longer is read with its own LIMIT (the
    priority lanes through their partial index), all the shorter ones in one read."""
    # By service, not by site: the queue index (service, status, queued_at) holds only the
    # waiting; the site's would scan every ticket the site ever gave.
    waiting = Ticket.objects.filter(status=TicketStatus.WAITING).order_by("queued_at", "id")
    columns = ("id", "service_id", "queued_at", "lane")
    if limit is None:
        return list(waiting.filter(service_id__in=list(services)).values_list(*columns)), None
    counts = waiting_counts_for(list(services))
    if limit <= 0:
        return [], counts
    short = [sid for sid, lanes in counts.items() if 0 < max(lanes) <= limit]
    rows: list[tuple] = list(waiting.filter(service_id__in=short).values_list(*columns))
    for service_id, (normal, priority) in counts.items():
        if max(normal, priority) <= limit:
            continue
        of_service = waiting.filter(service_id=service_id)
        if normal:
            rows += of_service.filter(lane=NORMAL).values_list(*columns)[:limit]
        if priority:
            rows += of_service.exclude(lane=NORMAL).values_list(*columns)[:limit]
    rows.sort(key=lambda row: (row[2], row[0]))
    return rows, counts


def _call_orders(state: SiteState, extra: Job | None = None) -> dict[int, list[Job]]:
    """Each service's waiting tickets (and `extra`) in the order the rule will call them."""
    queues: dict[int, list[Job]] = {}
    for service_id, jobs in state.waiting.items():
        jobs = list(jobs)
        if extra is not None and extra.service_id == service_id:
            jobs.append(extra)
        queues[service_id] = jobs
    if extra is not None and extra.service_id not in queues:
        queues[extra.service_id] = [extra]
    ordered: dict[int, list[Job]] = {}
    for service_id, jobs in queues.items():
        service = state.services[service_id]
        if getattr(service, "strict", False):
            ordered[service_id] = sorted(jobs, key=lambda j: (-j.level, j.queued_at))
            continue
        priority = [j for j in jobs if j.lane != NORMAL]
        normal = [j for j in jobs if j.lane == NORMAL]
        ordered[service_id] = [
            j
            for j, _run in call_order(
                priority, normal, run=service.priority_streak, limit=service.priority_run
            )
        ]
    return ordered


def _replay(state: SiteState, extra: Job | None = None) -> dict[int | None, float]:
    """Seconds until each waiting ticket (and `extra`, keyed None) is called, replaying the rule."""
    ordered = _call_orders(state, extra)
    counters = list(state.counters)
    served = set().union(*(s for _f, s in counters)) if counters else set()
    for service_id in ordered:
        if service_id not in served:
            # Nobody serves it now: assume one counter opens for it (the site's promise).
            counters.append((0.0, frozenset({service_id})))
    heads = dict.fromkeys(ordered, 0)
    starts: dict[int | None, float] = {}
    heap = [(free, index) for index, (free, _s) in enumerate(counters)]
    heapq.heapify(heap)
    remaining = sum(len(jobs) for jobs in ordered.values())
    while remaining and heap:
        free, index = heapq.heappop(heap)
        best = None
        for service_id in counters[index][1]:
            jobs = ordered.get(service_id)
            if jobs and heads[service_id] < len(jobs):
                job = jobs[heads[service_id]]
                if best is None or job.queued_at < best.queued_at:
                    best = job
        if best is None:
            continue  # nothing left this counter can serve: it drops out
        heads[best.service_id] += 1
        remaining -= 1
        starts[best.ticket_id] = free
        # A visitor ahead may have given up by the time their call comes (exponential patience):
        # in expectation they take the counter only with the chance they are still here.
        staying = math.exp(-state.abandon_rate.get(best.service_id, 0.0) * free)
        heapq.heappush(heap, (free + staying * state.per_call[best.service_id], index))
    return starts


def _capacity(state: SiteState, service_id: int) -> int:
    """Counters open for the service (at least one)."""
    return max(sum(1 for _f, s in state.counters if service_id in s), 1)


def _adjust(state: SiteState, job: Job, seconds: float, capacity: int | None = None) -> float:
    service = state.services[job.service_id]
    m = state.per_call[job.service_id]
    capacity = capacity or _capacity(state, job.service_id)
    if job.lane == NORMAL and seconds > 0:
        rate = state.priority_rate.get(job.service_id, 0.0)
        base = seconds
        cap = base + service.priority_run * (base + m) / capacity
        for _ in range(2):
            seconds = min(base + rate * seconds * m / capacity, cap)
    return seconds


def blend_weights(samples: list[Called]) -> dict[str, float]:
    """The blend's weights: wait_blend.fit over `samples` (latest first), moved from the prior
    (the look-ahead alone) only as far as a check on waits the fit did not see supports.

    The check: the blend is refitted without the latest HOLDOUT known waits, and each step of
    SHRINK (a share of the way from the prior to that fit) predicts them; the step with the
    smallest absolute error is the share of the way taken from the prior to the full fit. An
    in-sample fit always looks better than its prior, and on a site whose history does not
    predict its next hour (a change of staffing, a new kind of day) the blend can do worse than
    the queueing model."""
    holdout = min(HOLDOUT, len(samples) // 3)
    if len(samples) - holdout < MIN_SAMPLES:
        return dict(PRIOR)
    held, older = samples[:holdout], samples[holdout:]
    trial = fit(older)

    def error(share: float) -> float:
        weights = {name: PRIOR[name] + share * (trial[name] - PRIOR[name]) for name in PRIOR}
        return sum(abs(combine(weights, s.features) - s.wait) for s in held)

    share = min(SHRINK, key=error)  # ties go to the prior (SHRINK starts with 0)
    if share == 0.0:
        return dict(PRIOR)
    full = fit(samples)
    return {name: PRIOR[name] + share * (full[name] - PRIOR[name]) for name in PRIOR}


def _delta(seconds: float) -> timedelta:
    return timedelta(seconds=max(0, math.floor(seconds)))


def estimate_horizon() -> int:
    """People per service whose wait is played out (`CIVICDESK_QUEUES_ESTIMATE_HORIZON`; 0: all)."""
    return settings.CIVICDESK_QUEUES_ESTIMATE_HORIZON


def predict(
    state: SiteState,
    history: DelayHistory,
    extra: Job | None = None,
    *,
    horizon: int | None = None,
    answer: int | None = None,
) -> dict[int | None, tuple[float, dict]]:
    """Seconds (and the predictors behind them) for each waiting ticket and `extra` (key None).

    Only the first `horizon` people of each service in call order (default: the setting) are
    played out by the replay and the look-ahead, whose cost grows with everyone waiting; each one
    behind them is the last one played plus a counter's time per call ÷ the counters serving the
    service for every place further back (see docs/estimated-wait.md, "Horizon"). `answer`:
    only the first that many of each service (and `extra`) are in the answer (None: everyone):
    a join needs its own place only, a live page the first few hundred.

    No database (the horizon is a setting): the live pages and the `--trace` replay both come
    through here."""
    ordered = _call_orders(state, extra)
    if not any(ordered.values()):
        return {}
    limit = estimate_horizon() if horizon is None else horizon
    played, played_extra, tails = state, extra, {}
    if limit > 0 and any(len(jobs) > limit for jobs in ordered.values()):
        for service_id, jobs in ordered.items():
            if len(jobs) > limit:
                ordered[service_id], tails[service_id] = jobs[:limit], jobs[limit:]
        kept = {id(job) for jobs in ordered.values() for job in jobs}
        waiting = {s: [j for j in js if id(j) in kept] for s, js in state.waiting.items()}
        played = replace(state, waiting=waiting)
        played_extra = extra if extra is not None and id(extra) in kept else None
    replay = _replay(played, played_extra)
    looked_ahead = simulate_waits(played, played_extra)
    waiting_since = [j.queued_at for js in state.waiting.values() for j in js]
    oldest = min(waiting_since, default=state.at)
    weights = blend_weights(history.training(before=oldest.timestamp()))
    result: dict[int | None, tuple[float, dict]] = {}
    for service_id, service_jobs in ordered.items():
        if not service_jobs:
            continue
        capacity = _capacity(state, service_id)
        free_counter = any(free == 0.0 and service_id in served for free, served in state.counters)
        per_call = state.per_call.get(service_id, 600.0)
        first_joined: dict[int, datetime] = {}  # lane class -> when its first in line joined
        # Those behind the horizon are placed from the last one played out.
        last = service_jobs[-1]
        last_raw = replay.get(last.ticket_id, 0.0)
        last_mc = looked_ahead.get(last.ticket_id, _adjust(state, last, last_raw, capacity))
        for ahead, job in enumerate([*service_jobs, *tails.get(service_id, ())]):
            lane_class = job.level if job.lane != NORMAL else 0
            head = first_joined.get(lane_class)
            if head is None:
                first_joined[lane_class] = job.queued_at
            if answer is not None and ahead >= answer and job is not extra:
                continue
            if ahead < len(service_jobs):
                raw = replay.get(job.ticket_id, 0.0)
                ql = _adjust(state, job, raw, capacity)
                mc = looked_ahead.get(job.ticket_id, ql)
            else:  # behind the horizon: one more call per place
                further = (ahead - len(service_jobs) + 1) * per_call / capacity
                ql = _adjust(state, job, last_raw + further, capacity)
                mc = last_mc + further
            values = features(
                ql=ql,
                mc=mc,
                naive=ahead * per_call / capacity,
                ahead=ahead,
                head_waited=(state.at - head).total_seconds() if head else None,
                history=history,
                service_id=service_id,
                priority=lane_class,
                counter_free=free_counter,
            )
            values["k"] = ahead
            result[job.ticket_id] = (combine(weights, values), values)
    return result


def _estimates(
    site_id: int,
    state: SiteState | None = None,
    *,
    answer: int | None = None,
    delays: DelayHistory | None = None,
) -> dict[int, tuple[float, dict]]:
    state = state or site_state(site_id)
    delays = delays if delays is not None else delay_history(site_id, state.at)
    return predict(state, delays, answer=answer)


def estimate_waits(
    site_id: int,
    *,
    state: SiteState | None = None,
    answer: int | None = None,
    delays: DelayHistory | None = None,
) -> dict[int, timedelta]:
    """The estimate for every waiting ticket of a site (with `answer`, for the first that many of
    each service), from one read of its state (and of its delay history, unless given)."""
    return {
        ticket_id: _delta(seconds)
        for ticket_id, (seconds, _values) in _estimates(
            site_id, state, answer=answer, delays=delays
        ).items()
        if ticket_id is not None
    }


def estimate_with_predictors(
    ticket: Ticket, *, state: SiteState | None = None
) -> tuple[timedelta, dict | None]:
    """The wait shown to `ticket` now and the predictors behind it (kept on the ticket at join,
    so that later estimates can learn how each predictor did). `state`: the site's state when
    the caller already has it."""
    if ticket.status != TicketStatus.WAITING:
        return timedelta(0), None
    seconds, values = _estimates(ticket.site_id, state).get(ticket.pk, (0.0, None))
    return _delta(seconds), values


def estimate_wait(ticket: Ticket) -> timedelta:
    """The wait shown to the visitor holding `ticket`. Zero once called."""
    return estimate_with_predictors(ticket)[0]


def ql_join_seconds(state: SiteState, service_id: int, lane: str, level: int = 0) -> float:
    """The queue-length predictor alone for someone joining now (the `ql` of the blend)."""
    job = Job(None, service_id, state.at + timedelta(microseconds=1), lane, level)
    return _adjust(state, job, _replay(state, extra=job).get(None, 0.0))


def join_estimate_seconds(
    state: SiteState, service_id: int, lane: str, level: int = 0, history=None
) -> float:
    """Seconds someone joining `service_id` in `lane` at `state.at` would wait (pure)."""
    job = Job(None, service_id, state.at + timedelta(microseconds=1), lane, level)
    return predict(state, history or DelayHistory(), extra=job, answer=0)[None][0]


def estimate_join_wait(service: Service, lane: str) -> timedelta:
    """The wait someone joining `service` in `lane` now would be told."""
    state = site_state(service.site_id)
    if service.pk not in state.services:
        return timedelta(0)
    history = delay_history(service.site_id, state.at)
    return _delta(join_estimate_seconds(state, service.pk, lane, history=history))
