"""Harbour City's staffing: next week's advice at every site with queues, and a roster.

The roster (PlannedStaffing) is what a manager would plan by feel: per hour, the counters the
busiest quarter of that hour needs, then adjusted the way rosters drift: some sites plan lean on
their busy days, others generously; now and then an hour is one short or one over. So the pages
show gaps both ways and the redeployment page has moves to suggest. Idempotent: a site that
already has next week's advice is left alone.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

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
    made = 0
    for index, site in enumerate(sites):
        if StaffingRun.objects.filter(site=site, week=week, status=RunStatus.DONE).exists():
            continue
        run = run_compute(run_request(site=site, week=week))
        _plan(site, run, lean=index % 3 == 0, generous=index % 3 == 1)
        run_apply_plan(run)
        made += 1
    if made:
        stdout.write(f"Insights: staffing advice and a roster for week {week} at {made} sites.")


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


def _block(time: str) -> str:
    return "pm" if time >= AFTERNOON_FROM else "am"
