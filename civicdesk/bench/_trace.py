"""Replay a real queue log through the wait estimator, each arrival seeing only its past.

CSV columns: arrival, service_start, service_end, abandoned_at (ISO timestamps, empty where they
do not apply), queue, priority (higher is served first), server, outcome (served | abandoned).

At each arrival the estimator's state is rebuilt from the log as it stood then: visits still
waiting (arrived, neither started nor given up yet), servers busy (started, not ended) with their
elapsed time, servers counted open for a queue if they served it in the last hour, counter time
per call from finished visits, priority arrivals in the last hour, give-ups over time waited.
Priorities above 0 form the priority lane, served strictly first (the log's rule). The naive
estimate: people ahead × mean of the last 50 service times ÷ open servers. Errors are taken
over served visits.
"""

from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from civicdesk.queues.lanes import NORMAL

OPEN_WINDOW = timedelta(hours=1)
WAITING_WINDOW = timedelta(hours=12)


@dataclass
class Visit:
    arrival: datetime
    start: datetime | None
    end: datetime | None
    abandoned: datetime | None
    queue: int
    priority: int
    server: str
    served: bool


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


def replay_trace(path: str) -> dict:
    from civicdesk.queues.estimation import (
        Job,
        SiteState,
        abandon_rates,
        join_estimate_seconds,
        per_call_seconds,
    )
    from civicdesk.queues.models import TicketStatus

    visits, queues = load(path)
    finished = sorted((v for v in visits if v.start and v.end), key=lambda v: v.end)
    finished_ends = [v.end for v in finished]
    arrivals = [v.arrival for v in visits]
    durations = [(v.end - v.start).total_seconds() for v in finished]
    typical = sorted(durations)[len(durations) // 2] / 60 if durations else 10
    services = {
        q: SimpleNamespace(priority_streak=0, priority_run=10**6, default_service_minutes=typical)
        for q in queues.values()
    }
    errors, naive_errors = [], []
    for visit in visits:
        t = visit.arrival
        done = finished[
            max(0, bisect.bisect_right(finished_ends, t) - 3000) : bisect.bisect_right(
                finished_ends, t
            )
        ]
        rows = [(v.queue, TicketStatus.CALLED, v.start, v.end) for v in done]
        per_call = per_call_seconds(rows, services, t, UTC)
        first = bisect.bisect_left(arrivals, t - WAITING_WINDOW)
        recent = visits[first : bisect.bisect_left(arrivals, t)]
        serves: dict[str, set[int]] = {}
        busy: dict[str, Visit] = {}
        for v in recent:
            if v.start and v.start <= t and v.start >= t - OPEN_WINDOW:
                serves.setdefault(v.server, set()).add(v.queue)
            if v.start and v.start <= t and (v.end is None or v.end > t):
                busy[v.server] = v
        counters = []
        for server, served in serves.items():
            free = 0.0
            if server in busy:
                m = per_call[busy[server].queue]
                free = max(m - (t - busy[server].start).total_seconds(), 0.3 * m)
            counters.append((free, frozenset(served)))
        state = SiteState(at=t, services=services, per_call=per_call, counters=counters)
        for v in recent:
            still = (v.start is None or v.start > t) and (v.abandoned is None or v.abandoned > t)
            if still:
                lane = "priority" if v.priority > 0 else NORMAL
                state.waiting.setdefault(v.queue, []).append(Job(id(v), v.queue, v.arrival, lane))
        for v in recent:
            if v.priority > 0 and v.arrival >= t - OPEN_WINDOW:
                state.priority_rate[v.queue] = state.priority_rate.get(v.queue, 0) + 1 / 3600
        state.abandon_rate = abandon_rates(
            [
                (
                    v.queue,
                    TicketStatus.CANCELLED
                    if v.abandoned and v.abandoned <= t
                    else TicketStatus.WAITING,
                    v.arrival,
                    v.start if v.start and v.start <= t else None,
                    v.abandoned if v.abandoned and v.abandoned <= t else None,
                )
                for v in recent
                if v.arrival >= t - timedelta(hours=3)
            ],
            t,
        )
        if not visit.served or visit.start is None:
            continue
        lane = "priority" if visit.priority > 0 else NORMAL
        estimate = join_estimate_seconds(state, visit.queue, lane)
        waiting = state.waiting.get(visit.queue, [])
        ahead = sum(1 for j in waiting if visit.priority == 0 or j.lane != NORMAL)
        own = [(v.end - v.start).total_seconds() for v in done if v.queue == visit.queue][-50:]
        mean = sum(own) / len(own) if own else typical * 60
        open_servers = max(sum(1 for s in serves.values() if visit.queue in s), 1)
        naive = ahead * mean / open_servers
        actual = (visit.start - visit.arrival).total_seconds()
        errors.append(abs(estimate - actual) / 60)
        naive_errors.append(abs(naive - actual) / 60)
    mae = sum(errors) / len(errors) if errors else 0.0
    naive_mae = sum(naive_errors) / len(naive_errors) if naive_errors else 0.0
    return {
        "mae_min": round(mae, 2),
        "naive_mae_min": round(naive_mae, 2),
        "ratio": round(mae / naive_mae, 3) if naive_mae else 0.0,
        "tickets": len(errors),
    }
