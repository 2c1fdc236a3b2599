"""Harbour City's staffing: next week's advice at every site with queues, and a roster.

The roster (PlannedStaffing) is what a manager would plan by feel: per half-day, the counters the
busiest quarter of it needs, then adjusted the way rosters drift: some sites plan lean on
their busy days, others generously; now and then a half-day is one short or one over; and
never more staff at once than the site's counters seat. So the pages
show gaps both ways and the redeployment page has moves to suggest. Idempotent: a site that
already has next week's advice is left alone.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from civicdesk.insights.counters import seat_interval, site_counters
from civicdesk.insights.models import PlannedStaffing, RunStatus, StaffingRun
from civicdesk.insights.redeploy import AFTERNOON_FROM
from civicdesk.insights.staffing import next_week, run_apply_plan, run_compute, run_request
from civicdesk.organisations.models import Site


def load(*, stdout, stderr) -> None:
    week = next_week()
    sites = list(
        Site.objects.filter(is_active=True, services__is_active=True)
        .distinct()
        .order_by("agency__code", "code")
    )
    made = []
    for index, site in enumerate(sites):
        if StaffingRun.objects.filter(site=site, week=week, status=RunStatus.DONE).exists():
            continue
        run = run_compute(run_request(site=site, week=week))
        _plan(site, run, lean=index % 3 == 0, generous=index % 3 == 1)
        made.append(run)
    _story_of_a_move(made)
    for run in made:
        run_apply_plan(run)
    if made:
        stdout.write(
            f"Insights: staffing advice and a roster for week {week} at {len(made)} sites."
        )


def _plan(site: Site, run: StaffingRun, *, lean: bool, generous: bool) -> None:
    rng = random.Random(f"civicdesk-insights-{site.agency.code}-{site.code}")  # noqa: S311
    tz = ZoneInfo(site.timezone)
    # Shifts: the same staff for a half-day, as many as its busiest quarter needs, then drift.
    peak: dict[tuple[int, str, str], int] = defaultdict(int)
    for row in run.result["rows"]:
        key = (row["service"], row["day"], _block(row["time"]))
        peak[key] = max(peak[key], row["required"])
    shift = {}
    for key, need in sorted(peak.items()):
        busy_day = datetime.fromisoformat(key[1]).weekday() in (0, 4)
        roll = rng.random()
        if lean and busy_day and roll < 0.7:
            need -= 1
        elif generous and roll < 0.5:
            need += 1
        elif roll < 0.12:
            need -= 1
        elif roll > 0.85:
            need += 1
        shift[key] = max(0, need)
    _fit_counters(shift, peak, site_counters(site))
    plans = []
    for row in run.result["rows"]:
        day = datetime.fromisoformat(row["day"])
        hour, minute = (int(x) for x in row["time"].split(":"))
        plans.append(
            PlannedStaffing(
                site=site,
                service_id=row["service"],
                starts_at=datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz),
                staff=shift[(row["service"], row["day"], _block(row["time"]))],
            )
        )
    PlannedStaffing.objects.bulk_create(plans, ignore_conflicts=True)


def _story_of_a_move(runs: list[StaffingRun]) -> None:
    """Journey 7's move: in each agency, the main site (its first, whose team lead the demo's
    lead is) leaves a counter empty on the week's first morning (one officer of its most needed
    service away) and its last site rosters one officer of that service more than it needs
    there (beyond its counters if they are full): the redeployment page suggests moving them,
    and the main site's team lead accepts it."""
    by_agency: dict[int, list[StaffingRun]] = defaultdict(list)
    for run in runs:
        by_agency[run.site.agency_id].append(run)
    for group in by_agency.values():
        if len(group) < 2:
            continue
        ranked = sorted(group, key=lambda r: r.site_id)
        busiest, quietest = ranked[0], ranked[-1]
        day = busiest.result["days"][0]
        morning = [
            r for r in busiest.result["rows"] if r["day"] == day and _block(r["time"]) == "am"
        ]
        if not morning:
            continue
        needed = max(morning, key=lambda r: (r["required"], -r["service"]))
        name = busiest.site.services.get(pk=needed["service"]).name
        there = quietest.site.services.filter(name=name, is_active=True).first()
        if there is None:
            continue
        for plan in _morning_plans(busiest, day, needed["service"]):
            plan.staff = max(0, plan.staff - 1)
            plan.save(update_fields=["staff"])
        peak = max(
            (
                r["required"]
                for r in quietest.result["rows"]
                if r["day"] == day and _block(r["time"]) == "am" and r["service"] == there.pk
            ),
            default=0,
        )
        for plan in _morning_plans(quietest, day, there.pk):
            plan.staff = max(plan.staff, peak + 1)
            plan.save(update_fields=["staff"])


def _morning_plans(run: StaffingRun, day: str, service: int):
    tz = ZoneInfo(run.site.timezone)
    start = datetime.fromisoformat(day).replace(tzinfo=tz)
    noon = datetime.fromisoformat(f"{day}T{AFTERNOON_FROM}").replace(tzinfo=tz)
    return PlannedStaffing.objects.filter(
        site=run.site, service_id=service, starts_at__gte=start, starts_at__lt=noon
    )


def _fit_counters(shift: dict, peak: dict, counters: list[list[int]] | None) -> None:
    """No roster plans more staff at once than the site has counters for: in each half-day the
    staff are seated at the counters of their services, the needed ones first; the rest are
    not rostered there (a need beyond the counters stays short on the page)."""
    if counters is None:
        return
    blocks: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    for key in shift:
        blocks[(key[1], key[2])].append(key)
    for keys in blocks.values():
        seated, _room = seat_interval(
            counters, {k[0]: shift[k] for k in keys}, {k[0]: peak[k] for k in keys}
        )
        for key in keys:
            shift[key] = seated[key[0]]


def _block(time: str) -> str:
    return "pm" if time >= AFTERNOON_FROM else "am"
