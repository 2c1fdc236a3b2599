"""Synthetic queue logs in the `bench waits --trace` CSV format, to check that the wait estimator
generalises beyond the simulated site of _waits_sim.py.

`python -m civicdesk.bench._trace_gen KIND --seed 1 --days 3 > trace.csv`, KIND one of:

- `callcentre`: one queue, many agents on shifts (more at the peaks), short and very variable
  service (log-normal, σ 0.8), impatient callers (mean patience 6 minutes: heavy abandonment).
- `office`: four queues, eight servers of which several serve two or three queues, three
  priority levels (higher served first), 4 % no-shows (a one-minute visit), patient visitors.
- `surge`: two queues with dedicated servers, arrivals that triple over a lunchtime rush and a
  staffing schedule that changes by the hour (servers arrive late and leave early).

Servers pick, among the queues they serve, the highest priority and then the earliest arrival.
Pure Python (simpy); no database. Times are UTC ISO timestamps.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

START = datetime(2026, 3, 2, tzinfo=UTC)


@dataclass
class Scenario:
    queues: dict[str, tuple[float, float, float]]  # name -> (mean minutes, log-sd, share)
    servers: dict[str, tuple[str, list[tuple[float, float]]]]  # name -> (queues, duty hours)
    rate: callable  # arrivals per hour at hour of day
    open_hours: tuple[float, float]
    priorities: list[tuple[int, float]] = field(default_factory=lambda: [(0, 1.0)])
    patience_min: float = 60.0
    no_show: float = 0.0


def _callcentre() -> Scenario:
    def rate(h):
        return 70 + 120 * math.exp(-((h - 10.5) ** 2) / 2) + 90 * math.exp(-((h - 15) ** 2) / 1.5)

    servers = {}
    for i in range(14):
        if i < 8:
            duty = [(8.0, 17.0)]
        elif i < 11:
            duty = [(9.5, 12.5), (14.0, 16.5)]
        else:
            duty = [(10.0, 15.5)]
        servers[f"agent{i + 1}"] = ("calls", duty)
    return Scenario(
        queues={"calls": (6.0, 0.8, 1.0)},
        servers=servers,
        rate=rate,
        open_hours=(8.0, 17.0),
        patience_min=6.0,
    )


def _office() -> Scenario:
    def rate(h):
        return 30 + 40 * math.exp(-((h - 10) ** 2) / 1.5) + 25 * math.exp(-((h - 14.5) ** 2))

    day = [(9.0, 17.0)]
    servers = {
        "D1": ("licences", day),
        "D2": ("licences", [(9.0, 12.0), (13.0, 17.0)]),
        "D3": ("licences|permits", day),
        "D4": ("permits", day),
        "D5": ("permits|payments|info", [(9.0, 12.5), (13.5, 17.0)]),
        "D6": ("payments", day),
        "D7": ("payments|info", day),
        "D8": ("info", [(10.0, 16.0)]),
    }
    return Scenario(
        queues={
            "licences": (11.0, 0.5, 0.3),
            "permits": (18.0, 0.6, 0.15),
            "payments": (4.0, 0.7, 0.35),
            "info": (6.0, 0.9, 0.2),
        },
        servers=servers,
        rate=rate,
        open_hours=(9.0, 17.0),
        priorities=[(0, 0.85), (1, 0.1), (2, 0.05)],
        patience_min=90.0,
        no_show=0.04,
    )


def _surge() -> Scenario:
    def rate(h):
        return 25 + (55 if 11.5 <= h < 13.5 else 0) + 10 * math.sin((h - 9) / 8 * math.pi)

    servers = {
        "W1": ("renewals", [(8.0, 18.0)]),
        "W2": ("renewals", [(8.0, 11.0), (12.0, 16.0)]),
        "W3": ("renewals", [(11.0, 14.0)]),
        "W4": ("new", [(8.0, 18.0)]),
        "W5": ("new", [(9.0, 13.0), (14.0, 17.0)]),
        "W6": ("new", [(12.0, 14.5)]),
    }
    return Scenario(
        queues={"renewals": (7.0, 0.5, 0.6), "new": (12.0, 0.6, 0.4)},
        servers=servers,
        rate=rate,
        open_hours=(8.0, 18.0),
        priorities=[(0, 0.9), (1, 0.1)],
        patience_min=45.0,
    )


SCENARIOS = {"callcentre": _callcentre, "office": _office, "surge": _surge}


def generate(kind: str, *, seed: int, days: int) -> list[dict]:
    import simpy

    scenario = SCENARIOS[kind]()
    rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
    env = simpy.Environment()
    waiting: list[dict] = []
    rows: list[dict] = []
    wake = {"event": env.event()}
    names = list(scenario.queues)
    shares = [scenario.queues[q][2] for q in names]

    def stamp(seconds: float) -> str:
        return (START + timedelta(seconds=seconds)).isoformat()

    def visitor(queue: str):
        visit = {
            "arrival": env.now,
            "queue": queue,
            "priority": rng.choices(*zip(*scenario.priorities, strict=True))[0],
        }
        waiting.append(visit)
        wake["event"].succeed()
        wake["event"] = env.event()
        yield env.timeout(rng.expovariate(1 / (scenario.patience_min * 60)))
        if visit in waiting:
            waiting.remove(visit)
            visit["abandoned_at"] = env.now
            rows.append(visit)

    def arrivals(day_start: float):
        first, last = scenario.open_hours
        peak = max(scenario.rate(first + i / 60) for i in range(int((last - first) * 60)))
        t = first
        while True:
            t += rng.expovariate(peak)
            if t >= last - 0.25:
                return
            yield env.timeout(max(0.0, day_start + t * 3600 - env.now))
            if rng.random() < scenario.rate(t) / peak:
                env.process(visitor(rng.choices(names, shares)[0]))

    def server(day_start: float, name: str, served: set[str], duty):
        for begin, end in duty:
            yield env.timeout(max(0.0, day_start + begin * 3600 - env.now))
            while env.now < day_start + end * 3600:
                mine = [v for v in waiting if v["queue"] in served]
                if not mine:
                    yield wake["event"] | env.timeout(120)
                    continue
                visit = min(mine, key=lambda v: (-v["priority"], v["arrival"]))
                waiting.remove(visit)
                visit["start"], visit["server"] = env.now, name
                mean, sd, _share = scenario.queues[visit["queue"]]
                if rng.random() < scenario.no_show:
                    minutes = 1.0
                else:
                    minutes = rng.lognormvariate(math.log(mean) - sd * sd / 2, sd)
                yield env.timeout(minutes * 60)
                visit["end"] = env.now
                rows.append(visit)

    for day in range(days):
        day_start = day * 86400.0
        env.process(arrivals(day_start))
        for name, (served, duty) in scenario.servers.items():
            env.process(server(day_start, name, set(served.split("|")), duty))
        env.run(until=day_start + 86400 - 3600)
        for visit in list(waiting):  # still waiting at closing: sent home
            waiting.remove(visit)
            visit["abandoned_at"] = env.now
            rows.append(visit)
    rows.sort(key=lambda v: v["arrival"])
    return [
        {
            "arrival": stamp(v["arrival"]),
            "service_start": stamp(v["start"]) if "start" in v else "",
            "service_end": stamp(v["end"]) if "end" in v else "",
            "abandoned_at": stamp(v["abandoned_at"]) if "abandoned_at" in v else "",
            "queue": v["queue"],
            "priority": v["priority"],
            "server": v.get("server", ""),
            "outcome": "served" if "start" in v else "abandoned",
        }
        for v in rows
    ]


COLUMNS = [
    "arrival",
    "service_start",
    "service_end",
    "abandoned_at",
    "queue",
    "priority",
    "server",
    "outcome",
]


def write(rows: list[dict], handle) -> None:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=sorted(SCENARIOS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=3)
    args = parser.parse_args()
    write(generate(args.kind, seed=args.seed, days=args.days), sys.stdout)


if __name__ == "__main__":
    main()
