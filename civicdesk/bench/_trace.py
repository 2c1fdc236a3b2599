"""Replay a real queue log through the wait estimator, each arrival seeing only its past.

CSV columns: arrival, service_start, service_end, abandoned_at (ISO timestamps, empty where they
do not apply), queue, priority (higher is served first), server, outcome (served | abandoned).

The log is swept once in time order. At each arrival the estimator's state is what had happened
strictly before it: visits still waiting (arrived, neither started nor given up yet), servers busy
(started, not ended) with their elapsed time, servers counted open for a queue if they served it
in the last hour (or are serving it now), counter time per call from finished visits, priority
arrivals in the last hour, give-ups over time waited, and the delay history (visits that started,
with what the estimator noted when they arrived) for the blend of wait_blend.py. Priority levels
are served strictly, higher first (the log's rule).

The naive estimate, as the issue defines it: people ahead (waiting in the same queue at a higher
priority, or at the same one and arrived earlier) × mean of the queue's last 50 service times ÷
servers open for the queue. Errors are taken over served visits.
"""

from __future__ import annotations

import csv
import json
import os
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from civicdesk.queues.lanes import NORMAL

OPEN_WINDOW = timedelta(hours=1)
ABANDON_WINDOW = timedelta(hours=3)
PER_CALL_ROWS = 1000
NAIVE_VISITS = 50
DEFAULT_MINUTES = 10.0
LENGTH_SAMPLES = 100


@dataclass(eq=False)
class Visit:
    arrival: datetime
    start: datetime | None
    end: datetime | None
    abandoned: datetime | None
    queue: int
    priority: int
    server: str
    served: bool
    ahead: int = 0
    features: dict = field(default_factory=dict)


def _time(raw: str) -> datetime | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def load(path: str) -> tuple[list[Visit], dict[str, int]]:
    queues: dict[str, int] = {}
    visits = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            queue = queues.setdefault(row["queue"], len(queues) + 1)
            visits.append(
                Visit(
                    arrival=_time(row["arrival"]),
                    start=_time(row["service_start"]),
                    end=_time(row["service_end"]),
                    abandoned=_time(row["abandoned_at"]),
                    queue=queue,
                    priority=int(row.get("priority") or 0),
                    server=row.get("server", ""),
                    served=row.get("outcome", "served") == "served",
                )
            )
    visits.sort(key=lambda v: v.arrival)
    return visits, queues


def _lane(visit: Visit) -> str:
    return "priority" if visit.priority > 0 else NORMAL


def _mae(errors: list[float]) -> float:
    return sum(errors) / len(errors) if errors else 0.0


def replay_estimates(path: str):
    """(visit, estimate, naive estimate) in seconds for every arrival of the log, in time order."""
    from civicdesk.queues.estimation import Job, SiteState, abandon_rates, per_call_seconds, predict
    from civicdesk.queues.models import TicketStatus
    from civicdesk.queues.wait_blend import Called, DelayHistory
    from civicdesk.queues.wait_sim import PROFILE_DAYS, usual_schedule

    visits, queues = load(path)
    typical = DEFAULT_MINUTES  # until visits finish: then the median of the latest ones
    services = {
        q: SimpleNamespace(
            priority_streak=0, priority_run=10**6, default_service_minutes=typical, strict=True
        )
        for q in queues.values()
    }
    # Event streams, each consumed in time order as the sweep passes.
    by_start = sorted((v for v in visits if v.start), key=lambda v: v.start)
    by_end = sorted((v for v in visits if v.start and v.end), key=lambda v: v.end)
    starts_seen = ends_seen = 0
    waiting: list[Visit] = []  # arrived, not yet started nor given up
    in_service: dict[str, Visit] = {}
    last_start: dict[str, dict[int, datetime]] = defaultdict(dict)  # server -> queue -> time
    finished: deque = deque(maxlen=PER_CALL_ROWS)
    own_durations: dict[int, deque] = defaultdict(lambda: deque(maxlen=NAIVE_VISITS))
    lengths: dict[int, deque] = defaultdict(lambda: deque(maxlen=LENGTH_SAMPLES))
    activity: dict[str, list[tuple[float, float]]] = defaultdict(list)  # by server, by end
    ever_served: dict[str, set[int]] = defaultdict(set)
    work_days: set = set()
    latest: deque = deque(maxlen=PER_CALL_ROWS // 5)
    recent: deque[Visit] = deque()  # arrivals in the last ABANDON_WINDOW
    history = DelayHistory()
    for visit in visits:
        t = visit.arrival
        while starts_seen < len(by_start) and by_start[starts_seen].start < t:
            started = by_start[starts_seen]
            starts_seen += 1
            if started.server:
                in_service[started.server] = started
                last_start[started.server][started.queue] = started.start
                ever_served[started.server].add(started.queue)
                work_days.add(started.start.date())
            history.add(
                Called(
                    service_id=started.queue,
                    priority=started.priority,
                    joined=started.arrival.timestamp(),
                    called=started.start.timestamp(),
                    ahead=started.ahead,
                    features=started.features or None,
                )
            )
        while ends_seen < len(by_end) and by_end[ends_seen].end < t:
            ended = by_end[ends_seen]
            ends_seen += 1
            if in_service.get(ended.server) is ended:
                del in_service[ended.server]
            if ended.server:
                activity[ended.server].append((ended.start.timestamp(), ended.end.timestamp()))
            finished.append((ended.queue, TicketStatus.CALLED, ended.start, ended.end))
            own_durations[ended.queue].append((ended.end - ended.start).total_seconds())
            lengths[ended.queue].append((ended.end - ended.start).total_seconds())
            latest.append((ended.end - ended.start).total_seconds())
        if latest:
            # The prior of each queue's counter time per call: the median of its own latest
            # visits, or of all queues' while it has none (the log carries no usual minutes).
            typical = sorted(latest)[len(latest) // 2] / 60
            for queue, service in services.items():
                own = sorted(own_durations[queue])
                service.default_service_minutes = own[len(own) // 2] / 60 if own else typical
        waiting = [
            v
            for v in waiting
            if not (v.start and v.start < t) and not (v.abandoned and v.abandoned < t)
        ]
        while recent and recent[0].arrival < t - ABANDON_WINDOW:
            recent.popleft()

        per_call = per_call_seconds(finished, services, t, UTC)
        serves: dict[str, set[int]] = defaultdict(set)
        for server, queues_started in last_start.items():
            for queue, when in queues_started.items():
                if when >= t - OPEN_WINDOW:
                    serves[server].add(queue)
        for server, busy in in_service.items():
            serves[server].add(busy.queue)
        counters, busy = [], []
        for server, served in serves.items():
            free, info = 0.0, None
            if server in in_service:
                m = per_call[in_service[server].queue]
                elapsed = (t - in_service[server].start).total_seconds()
                free = max(m - elapsed, 0.3 * m)
                info = (in_service[server].queue, elapsed)
            counters.append((free, frozenset(served)))
            busy.append(info)
        state = SiteState(at=t, services=services, per_call=per_call, counters=counters)
        state.busy = busy
        today = t.date()
        back = [
            (today - day).days * 86400.0
            for day in sorted(work_days - {today}, reverse=True)[:PROFILE_DAYS]
        ]
        profile = {
            server: usual_schedule(sorted(intervals), t.timestamp(), back)
            for server, intervals in activity.items()
        }
        state.schedule = [profile.get(server) for server in serves]
        state.later = [
            (frozenset(ever_served[server]), plan)
            for server, plan in profile.items()
            if server not in serves and plan is not None
        ]
        state.lengths = {q: list(d) for q, d in lengths.items()}
        for v in waiting:
            state.waiting.setdefault(v.queue, []).append(
                Job(id(v), v.queue, v.arrival, _lane(v), level=v.priority)
            )
        hour_ago = t - OPEN_WINDOW
        for v in recent:
            if v.priority > 0 and v.arrival >= hour_ago:
                state.priority_rate[v.queue] = state.priority_rate.get(v.queue, 0) + 1 / 3600
        state.abandon_rate = abandon_rates(
            [
                (
                    v.queue,
                    TicketStatus.CANCELLED
                    if v.abandoned and v.abandoned < t
                    else TicketStatus.WAITING,
                    v.arrival,
                    v.start if v.start and v.start < t else None,
                    v.abandoned if v.abandoned and v.abandoned < t else None,
                )
                for v in recent
            ],
            t,
        )

        # What the visitor arriving now is told (computed for every arrival: it feeds the history).
        same_queue = [v for v in waiting if v.queue == visit.queue]
        ahead = sum(
            1
            for v in same_queue
            if v.priority > visit.priority or (v.priority == visit.priority and v.arrival < t)
        )
        open_servers = max(sum(1 for s in serves.values() if visit.queue in s), 1)
        own = own_durations[visit.queue]
        mean = sum(own) / len(own) if own else typical * 60
        naive = ahead * mean / open_servers
        job = Job(None, visit.queue, t, _lane(visit), level=visit.priority)
        estimate, visit.features = predict(state, history, extra=job)[None]
        visit.ahead = visit.features["k"]
        waiting.append(visit)
        recent.append(visit)
        yield visit, estimate, naive


def replay_trace(path: str) -> dict:
    """The benchmark figures over the served visits of the log at `path`."""
    errors, naive_errors, dump = [], [], []
    for visit, estimate, naive in replay_estimates(path):
        if not visit.served or visit.start is None:
            continue
        actual = (visit.start - visit.arrival).total_seconds()
        errors.append(abs(estimate - actual) / 60)
        naive_errors.append(abs(naive - actual) / 60)
        dump.append({**visit.features, "estimate": estimate, "naive_true": naive, "actual": actual})
        dump[-1].update(q=visit.queue, p=visit.priority, t=visit.arrival.timestamp())
    if os.environ.get("CIVICDESK_TRACE_DUMP"):  # for studying the predictors
        with open(os.environ["CIVICDESK_TRACE_DUMP"], "w", encoding="utf-8") as out:
            json.dump(dump, out)
    mae, naive_mae = _mae(errors), _mae(naive_errors)
    return {
        "mae_min": round(mae, 2),
        "naive_mae_min": round(naive_mae, 2),
        "ratio": round(mae / naive_mae, 3) if naive_mae else 0.0,
        "tickets": len(errors),
    }
