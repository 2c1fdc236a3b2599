"""A simulated busy day (or days) at one site, driven by simpy through the real queue services.

Run by `civicdesk bench waits` in a child process on a throwaway database:
`python -m civicdesk.bench._waits_sim --days 2 --seed 7` prints one JSON object.

The site: three services, six counters (two of them shared between services), a lunch break
that closes two counters, arrivals with a morning and an early-afternoon peak, 15 % priority
tickets, 5 % no-shows (recalled twice, then marked), visitors who give up after a while, and a
walk from the waiting area to the counter. Every join, call, recall, start, finish, no-show and
cancellation goes through civicdesk.queues.services at the simulated instant.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Hong_Kong")
FIRST_DAY = datetime(2026, 3, 2, tzinfo=TZ)  # a Monday; the site opens every weekday
OPEN_H, CLOSE_H = 8.5, 17.5
SERVICES = [  # prefix, name, mean minutes, log-sd, share of arrivals
    ("A", "Passports", 9.0, 0.5, 0.45),
    ("B", "Payments", 4.0, 0.6, 0.35),
    ("C", "Housing advice", 16.0, 0.45, 0.20),
]
COUNTERS = [  # name, services, closed for lunch
    ("1", "A", False),
    ("2", "A", True),
    ("3", "AB", False),
    ("4", "B", True),
    ("5", "C", False),
    ("6", "BC", False),
]
PRIORITY_SHARE = 0.15
NO_SHOW_SHARE = 0.05
PATIENCE_MEAN_MIN = 75.0


def arrivals_per_hour(hour: float, scale: float) -> float:
    """Morning peak at 10:00, early-afternoon peak at 14:00, quiet at opening and closing."""
    base = 20 + 34 * math.exp(-((hour - 10.0) ** 2) / 1.2) + 26 * math.exp(-((hour - 14.0) ** 2))
    return base * scale


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--close", type=float, default=CLOSE_H, help="closing hour (quick runs)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    print(json.dumps(simulate(days=args.days, seed=args.seed, scale=args.scale, close=args.close)))


def _progress(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def simulate(*, days: int, seed: int, scale: float, close: float = CLOSE_H) -> dict:
    import simpy
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from civicdesk.core.errors import ApplicationError
    from civicdesk.organisations.models import Agency, Site, StaffProfile
    from civicdesk.organisations.roles import Role
    from civicdesk.queues import events, services
    from civicdesk.queues.estimation import naive_estimate_wait
    from civicdesk.queues.models import Channel, Counter, Service, Ticket, TicketStatus

    rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
    clock = {"now": FIRST_DAY}
    timezone.now = lambda: clock["now"]  # the one clock, moved by the simulation
    events.publish_ticket_event = lambda ticket, kind: None  # no live pages in a simulation

    agency = Agency.objects.create(code="SIM", name="Simulated agency")
    hours = {str(d): [["08:00", "18:00"]] for d in range(7)}
    site = Site.objects.create(
        agency=agency,
        code="SIM1",
        name="Simulated site",
        opening_hours=hours,
        timezone="Asia/Hong_Kong",
        holiday_country="",
    )
    by_prefix = {}
    for index, (prefix, name, mean, _sd, _share) in enumerate(SERVICES):
        by_prefix[prefix] = Service.objects.create(
            site=site,
            name=name,
            prefix=prefix,
            default_service_minutes=round(mean),
            position=index,
            recall_gap_seconds=30,
            max_recalls=2,
        )
    user_model = get_user_model()
    counters = []
    for name, served, lunch in COUNTERS:
        counter = Counter.objects.create(site=site, name=name)
        counter.services.set([by_prefix[p] for p in served])
        user = user_model.objects.create_user(username=f"officer{name}", password=None)
        profile = StaffProfile.objects.create(
            user=user, agency=agency, role=Role.FRONTLINE, display_name=f"Officer {name}"
        )
        profile.sites.set([site])
        user = user_model.objects.get(pk=user.pk)
        counters.append((counter, user, lunch))

    env = simpy.Environment()
    wake = {"event": env.event()}  # idle officers wait for the next join instead of polling
    measured: list[tuple[float, float, float]] = []  # (estimate, naive, actual) seconds
    joined: dict[int, tuple[float, float, float, bool]] = {}
    info: dict[int, tuple] = {}
    detail: list[tuple] = []

    def at(seconds: float) -> datetime:
        return FIRST_DAY + timedelta(seconds=seconds)

    def tick() -> None:
        clock["now"] = at(env.now)

    def visitor(day_start: float, prefix: str, lane: str, measure: bool):
        tick()
        try:
            ticket = services.ticket_issue(
                service=by_prefix[prefix], channel=Channel.KIOSK, lane=lane
            )
        except ApplicationError:
            return
        naive = naive_estimate_wait(ticket).total_seconds()
        wake["event"].succeed()
        wake["event"] = env.event()
        joined[ticket.pk] = (env.now, ticket.estimate_at_join_seconds or 0, naive, measure)
        info[ticket.pk] = (prefix, lane, (env.now % 86400) / 3600, ticket.estimate_features)
        yield env.timeout(rng.expovariate(1 / (PATIENCE_MEAN_MIN * 60)))
        tick()
        if Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).exists():
            with contextlib.suppress(ApplicationError):
                services.ticket_cancel(ticket=ticket)

    def arrivals(day_start: float, measure: bool):
        t = OPEN_H
        peak = arrivals_per_hour(10.0, scale)
        while True:
            t += rng.expovariate(peak) if peak else 1
            if t >= close - 0.5:
                return
            yield env.timeout(max(0.0, day_start + t * 3600 - env.now))
            if rng.random() > arrivals_per_hour(t, scale) / peak:
                continue  # thinning: a non-homogeneous Poisson process
            prefix = rng.choices([s[0] for s in SERVICES], [s[4] for s in SERVICES])[0]
            lane = "elderly" if rng.random() < PRIORITY_SHARE else "normal"
            env.process(visitor(day_start, prefix, lane, measure))

    means = {s[0]: (s[2], s[3]) for s in SERVICES}

    def officer(day_start: float, counter, user, lunch: bool):
        yield env.timeout(max(0.0, day_start + OPEN_H * 3600 - env.now))
        tick()
        services.counter_open(actor=user, counter=counter)
        closed_for_lunch = False
        while env.now < day_start + close * 3600:
            hour = (env.now - day_start) / 3600
            if lunch and 12.0 <= hour < 13.0:
                if not closed_for_lunch:
                    tick()
                    services.counter_close(actor=user, counter=counter)
                    closed_for_lunch = True
                yield env.timeout(day_start + 13 * 3600 - env.now)
                tick()
                services.counter_open(actor=user, counter=counter)
                closed_for_lunch = False
                continue
            tick()
            ticket = services.ticket_call_next(actor=user, counter=counter)
            if ticket is None:
                yield wake["event"] | env.timeout(300)
                continue
            if ticket.pk in joined:
                joined_at, estimate, naive, measure = joined.pop(ticket.pk)
                if measure:
                    measured.append((estimate, naive, env.now - joined_at))
                    detail.append((*info[ticket.pk], estimate, naive, env.now - joined_at))
            if rng.random() < NO_SHOW_SHARE:
                for _ in range(2):
                    yield env.timeout(31)
                    tick()
                    services.ticket_recall(actor=user, ticket=ticket)
                yield env.timeout(31)
                tick()
                services.ticket_no_show(actor=user, ticket=ticket)
                continue
            yield env.timeout(rng.uniform(15, 60))  # the walk to the counter
            tick()
            services.ticket_start(actor=user, ticket=ticket)
            mean, sd = means[ticket.prefix]
            afternoon = 1.1 if hour >= 13 else 1.0
            minutes = rng.lognormvariate(math.log(mean * afternoon) - sd * sd / 2, sd)
            yield env.timeout(minutes * 60)
            tick()
            services.ticket_finish(actor=user, ticket=ticket)
        tick()
        with contextlib.suppress(ApplicationError):
            services.counter_close(actor=user, counter=counter)

    for day in range(days):
        day_start = day * 86400.0
        measure = day == days - 1  # earlier days give the estimators their history
        env.process(arrivals(day_start, measure))
        for counter, user, lunch in counters:
            env.process(officer(day_start, counter, user, lunch))
        _progress(f"simulating day {day + 1} of {days} ...")
        env.run(until=day_start + 86400 - 3600)
        # Anyone still waiting at closing is sent home (not measured).
        tick()
        for ticket in Ticket.objects.filter(site=site, status=TicketStatus.WAITING):
            services.ticket_cancel(ticket=ticket)
        joined.clear()

    if os.environ.get("CIVICDESK_SIM_DEBUG"):
        for name, pick in (("est", 0), ("naive", 1)):
            signed = [(m[pick] - m[2]) / 60 for m in measured]
            _progress(f"{name}: mean signed error {sum(signed) / max(len(signed), 1):.2f} min")
        for e, n, a in measured[:: max(1, len(measured) // 40)]:
            _progress(f"  est {e / 60:6.1f}  naive {n / 60:6.1f}  actual {a / 60:6.1f}")
    if os.environ.get("CIVICDESK_SIM_TRACE"):
        _export_trace(site, os.environ["CIVICDESK_SIM_TRACE"])
    if os.environ.get("CIVICDESK_SIM_DUMP"):
        with open(os.environ["CIVICDESK_SIM_DUMP"], "w") as out:
            json.dump(detail, out)
    errors = [abs(e - a) / 60 for e, _n, a in measured]
    naive_errors = [abs(n - a) / 60 for _e, n, a in measured]
    mae = sum(errors) / len(errors) if errors else 0.0
    naive_mae = sum(naive_errors) / len(naive_errors) if naive_errors else 0.0
    return {
        "mae_min": round(mae, 2),
        "naive_mae_min": round(naive_mae, 2),
        "ratio": round(mae / naive_mae, 3) if naive_mae else 0.0,
        "tickets": len(measured),
    }


def _export_trace(site, path: str) -> None:
    """The simulated days as a queue log in the `--trace` format (called = service start)."""
    from civicdesk.bench._trace_gen import write
    from civicdesk.queues.lanes import NORMAL
    from civicdesk.queues.models import Ticket, TicketStatus

    rows = []
    for ticket in Ticket.objects.filter(site=site).select_related("counter").order_by("joined_at"):
        called = ticket.called_at
        gave_up = ticket.status == TicketStatus.CANCELLED and called is None
        rows.append(
            {
                "arrival": ticket.joined_at.isoformat(),
                "service_start": called.isoformat() if called else "",
                "service_end": ticket.finished_at.isoformat()
                if called and ticket.finished_at
                else "",
                "abandoned_at": ticket.finished_at.isoformat() if gave_up else "",
                "queue": ticket.prefix,
                "priority": 0 if ticket.lane == NORMAL else 1,
                "server": ticket.counter.name if ticket.counter else "",
                "outcome": "served" if called else "abandoned",
            }
        )
    with open(path, "w", newline="", encoding="utf-8") as handle:
        write(rows, handle)


if __name__ == "__main__":
    main()
