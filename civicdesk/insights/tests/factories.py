"""Small histories for the insights tests: tickets at known times on a site's open days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from civicdesk.organisations.calendar import site_calendar
from civicdesk.pledges.tests.factories import make_ticket

HK = ZoneInfo("Asia/Hong_Kong")
TODAY = datetime(2026, 6, 1, 8, 0, tzinfo=HK)  # a Monday; ISO week 2026-W23
WEEK = "2026-W23"


def steady_history(service, *, weeks: int = 6, at: time = time(10, 5), per_day: int = 2) -> int:
    """`per_day` tickets at `at` on every open day of the `weeks` weeks before TODAY."""
    calendar = site_calendar(service.site)
    made = 0
    for back in range(weeks * 7, 0, -1):
        day: date = TODAY.date() - timedelta(days=back)
        if not calendar.is_working_day(day):
            continue
        for n in range(per_day):
            joined = datetime.combine(day, at, tzinfo=HK) + timedelta(minutes=n)
            make_ticket(service=service, joined=joined, wait_minutes=3)
            made += 1
    return made


def roster_short_here_spare_there(short_site, spare_site, *, spare: int = 9) -> str:
    """On the first day of the stored advice, plan nobody at `short_site` and `spare` staff at
    `spare_site` on their one service for the morning: a move from the second to the first is
    then suggested. Both sites need stored advice for WEEK. Returns the day (ISO)."""
    from civicdesk.insights.models import PlannedStaffing, RunStatus, StaffingRun
    from civicdesk.insights.staffing import run_apply_plan

    runs = {r.site_id: r for r in StaffingRun.objects.filter(week=WEEK, status=RunStatus.DONE)}
    rows = runs[short_site.pk].result["rows"]
    day = rows[0]["day"]
    tz = ZoneInfo(short_site.timezone)
    for site, staff in ((short_site, 0), (spare_site, spare)):
        for row in rows:
            if row["day"] == day and row["time"] < "13:00":
                starts = datetime.fromisoformat(f"{day}T{row['time']}").replace(tzinfo=tz)
                PlannedStaffing.objects.create(
                    site=site, service=site.services.get(), starts_at=starts, staff=staff
                )
    for run in runs.values():
        run_apply_plan(run)
    return day


def rent_office(agency, name: str, *, advice: bool = True):
    """A site with one "Rent" service on one counter, six weeks of steady history and (if
    `advice`) its stored staffing advice for WEEK."""
    import time_machine

    from civicdesk.insights.staffing import site_week
    from civicdesk.organisations.tests.factories import SiteFactory
    from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

    site = SiteFactory(agency=agency, name=name)
    service = ServiceFactory(site=site, prefix="A", name="Rent", default_service_minutes=5)
    CounterFactory(site=site, services=[service])
    steady_history(service, weeks=6)
    if advice:
        with time_machine.travel(TODAY, tick=False):
            site_week(site, WEEK)
    return site
