"""When a training session may be held: while its site is open.

The rule is the site's working-time calendar (organisations.calendar.site_calendar: weekly
opening hours, the public holidays of its region and the agency's or site's closures); this
module only asks it and words the answer so a trainer knows which day or hours to pick.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from civicdesk.core.errors import ValidationFailed
from civicdesk.organisations.calendar import WorkingCalendar, site_calendar
from civicdesk.organisations.hours import WeeklyHours, format_weekly_hours
from civicdesk.organisations.models import Closure, Site


def opening_summary(weekly: WeeklyHours) -> str:
    """ "Monday to Friday 09:00–13:00, 14:00–17:30; Saturday 09:00–12:30": runs of weekdays
    with the same hours said once."""
    runs: list[list] = []  # [first weekday, last weekday, hours]
    for day, hours in format_weekly_hours(weekly):
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == hours:
            runs[-1][1] = day
        else:
            runs.append([day, day, hours])
    parts = []
    for first, last, hours in runs:
        days = (
            WEEKDAYS[first]
            if first == last
            else _("%(first)s to %(last)s") % {"first": WEEKDAYS[first], "last": WEEKDAYS[last]}
        )
        parts.append(_("%(days)s %(hours)s") % {"days": days, "hours": hours})
    return pgettext("between items of a list", "; ").join(parts)


def _closure_reason(site: Site, day: date) -> str:
    return (
        Closure.objects.filter(Q(agency_id=site.agency_id, site__isnull=True) | Q(site=site))
        .filter(date=day)
        .values_list("reason", flat=True)
        .first()
        or ""
    )


def _closed_day_problem(site: Site, calendar: WorkingCalendar, day: date) -> str | None:
    """Why the site is shut all day, or None when it opens that day."""
    if calendar.is_working_day(day):
        return None
    words = {"site": site.local_name(), "day": date_format(day, "l j F Y")}
    holiday = calendar.holiday_name(day)
    if holiday:
        return _(
            "%(site)s is closed on %(day)s for the public holiday %(holiday)s. Choose another day."
        ) % {**words, "holiday": holiday}
    if day in calendar.closures:
        return _("%(site)s is closed on %(day)s: %(reason)s. Choose another day.") % {
            **words,
            "reason": _closure_reason(site, day),
        }
    if not calendar.weekly:
        return (
            _(
                "%(site)s has no opening hours, so no session can be held there. "
                "Ask an agency admin to set them, or choose another site."
            )
            % words
        )
    return _("%(site)s is closed on %(day)s. It is open %(hours)s.") % {
        **words,
        "hours": opening_summary(calendar.weekly),
    }


def require_site_open(*, site: Site | None, starts_at: datetime, ends_at: datetime) -> None:
    """Raise ValidationFailed unless the session is on a day the site opens, between its first
    opening and its last closing that day.

    A session with no site (online) needs no site to be open."""
    if site is None:
        return
    calendar = site_calendar(site)
    day = starts_at.astimezone(calendar.tz).date()
    problem = _closed_day_problem(site, calendar, day)
    if problem:
        raise ValidationFailed(problem, field="starts_at", code="site_closed")
    intervals = calendar.intervals_on(day)
    # Between the day's first opening and its last closing: a full-day course may run through
    # the counters' lunch break (staff are there), not before the site opens or after it shuts.
    if not intervals or starts_at < intervals[0][0] or ends_at > intervals[-1][1]:
        hours = dict(format_weekly_hours(calendar.weekly))[day.weekday()]
        raise ValidationFailed(
            _(
                "On %(day)s %(site)s is open %(hours)s. "
                "Choose a start and end time within these hours."
            )
            % {"site": site.local_name(), "day": date_format(day, "l j F Y"), "hours": hours},
            field="starts_at",
            code="outside_opening_hours",
        )


def session_slot(*, site: Site, after: datetime, duration: timedelta) -> datetime:
    """The first start at or after `after` (at the start of an open interval, or `after`
    itself) from which a session of `duration` fits inside one open interval of the site."""
    calendar = site_calendar(site)
    day = after.astimezone(calendar.tz).date()
    for _days in range(366):
        for opens, closes in calendar.intervals_on(day):
            start = max(opens, after)
            if start + duration <= closes:
                return start
        day += timedelta(days=1)
    raise ValueError(f"{site} has no open interval of {duration} in the coming year.")
