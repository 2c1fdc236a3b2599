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
