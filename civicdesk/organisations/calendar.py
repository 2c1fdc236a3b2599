"""Working time: "add N working hours/days to this instant" and "working time between two instants".

A WorkingCalendar knows a time zone, weekly hours, public holidays (the `holidays` package) and
extra closures. All arithmetic is done on UTC instants built from local wall-clock intervals, so
days that gain or lose an hour to daylight saving count the hours that really pass.

Conventions (the ones service standards use):
- Working hours are consumed only inside open intervals; an instant outside them starts counting
  at the next opening.
- N working days: day 0 is the day of the instant if it arrives before that day's close,
  otherwise the next working day; the result is the close of the N-th working day after day 0
  (N = 0: the close of day 0).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from civicdesk.core.localcache import LocalCache
from civicdesk.organisations.hours import MIDNIGHT_CLOSE, WeeklyHours, parse_weekly_hours

# A calendar with no open hours at all would loop forever; nothing real is closed this long.
MAX_SEARCH_DAYS = 3 * 366


class NeverOpen(ValueError):
    pass


@lru_cache(maxsize=64)
def _holiday_calendar(country: str, subdivision: str) -> holidays.HolidayBase | None:
    if not country:
        return None
    return holidays.country_holidays(country, subdiv=subdivision or None)


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo
    weekly: WeeklyHours
    holiday_country: str = ""
    holiday_subdivision: str = ""
    closures: frozenset[date] = field(default_factory=frozenset)

    # --- days ---------------------------------------------------------------------------
    def holiday_name(self, day: date) -> str | None:
        calendar = _holiday_calendar(self.holiday_country, self.holiday_subdivision)
        return calendar.get(day) if calendar is not None else None

    def is_working_day(self, day: date) -> bool:
        return (
            bool(self.weekly.get(day.weekday()))
            and day not in self.closures
            and self.holiday_name(day) is None
        )

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """Open intervals of a local date, as UTC instants."""
        if not self.is_working_day(day):
            return []
        result = []
        for opens, closes in self.weekly[day.weekday()]:
            start = datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC)
            if closes == MIDNIGHT_CLOSE:  # "24:00": the start of the next day
                end_local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
            else:
                end_local = datetime.combine(day, closes, tzinfo=self.tz)
            end = end_local.astimezone(UTC)
            if end > start:
                result.append((start, end))
        return result

    def _intervals_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (clipped to start at `instant`) from `instant` onwards, in order."""
        instant = _as_utc(instant)
        day = instant.astimezone(self.tz).date() - timedelta(days=1)
        empty_days = 0
        while True:
            intervals = self.intervals_on(day)
            empty_days = 0 if intervals else empty_days + 1
            if empty_days > MAX_SEARCH_DAYS:
                raise NeverOpen("This calendar has no open hours in the next three years.")
            for start, end in intervals:
                if end <= instant:
                    continue
                yield max(start, instant), end
            day += timedelta(days=1)

    def _intervals_back_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        instant = _as_utc(instant)
        day = instant.astimezone(self.tz).date() + timedelta(days=1)
        empty_days = 0
        while True:
            intervals = self.intervals_on(day)
            empty_days = 0 if intervals else empty_days + 1
            if empty_days > MAX_SEARCH_DAYS:
                raise NeverOpen("This calendar has no open hours in the past three years.")
            for start, end in reversed(intervals):
                if start >= instant:
                    continue
                yield start, min(end, instant)
            day -= timedelta(days=1)

    # --- questions --------------------------------------------------------------------------
    def is_open(self, instant: datetime) -> bool:
        instant = _as_utc(instant)
        local_day = instant.astimezone(self.tz).date()
        return any(s <= instant < e for s, e in self.intervals_on(local_day))

    def next_open(self, instant: datetime) -> datetime:
        """The instant itself if open, else the next opening."""
        start, _end = next(self._intervals_from(instant))
        return start

    def add_working_time(self, instant: datetime, amount: timedelta) -> datetime:
        """The instant when `amount` of open time has passed after `instant` (or before, if < 0)."""
        if amount < timedelta(0):
            return self._subtract_working_time(instant, -amount)
        remaining = amount
        if remaining == timedelta(0):
            return _as_utc(instant)
        for start, end in self._intervals_from(instant):
            span = end - start
            if remaining <= span:
                return start + remaining
            remaining -= span
        raise AssertionError("unreachable")  # pragma: no cover

    def _subtract_working_time(self, instant: datetime, amount: timedelta) -> datetime:
        remaining = amount
        for start, end in self._intervals_back_from(instant):
            span = end - start
            if remaining <= span:
                return end - remaining
            remaining -= span
        raise AssertionError("unreachable")  # pragma: no cover

    def add_working_hours(self, instant: datetime, hours: float) -> datetime:
        return self.add_working_time(instant, timedelta(hours=hours))

    def day_zero(self, instant: datetime) -> date:
        """The working day an instant counts as received on (see module docstring)."""
        start, _end = next(self._intervals_from(instant))
        return start.astimezone(self.tz).date()

    def add_working_days(self, instant: datetime, days: int) -> datetime:
        if days < 0:
            raise ValueError("Working days to add must be zero or more.")
        day = self.day_zero(instant)
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return self.intervals_on(day)[-1][1]

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two instants; negative when `end` is before `start`."""
        start, end = _as_utc(start), _as_utc(end)
        if end < start:
            return -self.working_time_between(end, start)
        total = timedelta(0)
        for interval_start, interval_end in self._intervals_from(start):
            if interval_start >= end:
                break
            total += min(interval_end, end) - interval_start
        return total

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Whole working days after day 0 of `start` up to and including the local date of `end`."""
        start, end = _as_utc(start), _as_utc(end)
        day, last = self.day_zero(start), end.astimezone(self.tz).date()
        count = 0
        while day < last:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def _as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("Working-time arithmetic needs an aware datetime.")
    return instant.astimezone(UTC)


def build_calendar(
    *,
    timezone: str,
    weekly_hours,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    closures=(),
) -> WorkingCalendar:
    return WorkingCalendar(
        tz=ZoneInfo(timezone),
        weekly=parse_weekly_hours(weekly_hours),
        holiday_country=holiday_country,
        holiday_subdivision=holiday_subdivision,
        closures=frozenset(closures),
    )


def _calendar(owner, weekly_hours, closures) -> WorkingCalendar:
    """The calendar of a site or an agency (both carry a time zone and a holiday region)."""
    return build_calendar(
        timezone=owner.timezone,
        weekly_hours=weekly_hours,
        holiday_country=owner.holiday_country,
        holiday_subdivision=owner.holiday_subdivision,
        closures=list(closures),
    )


def _cache_key(owner, weekly_hours, *more) -> tuple:
    """Everything the calendar is built from, but the closures (their signals clear caches)."""
    return (
        owner.pk,
        *more,
        owner.timezone,
        json.dumps(weekly_hours, sort_keys=True, default=str),
        owner.holiday_country,
        owner.holiday_subdivision,
    )


def site_calendar(site, *, cached: bool = False) -> WorkingCalendar:
    """Opening hours of a site, with its own and its agency's closures.

    `cached`: kept per process for a few seconds like `agency_calendar` (hot paths: a public
    join checks the site is open)."""
    from django.db.models import Q

    from civicdesk.organisations.models import Closure

    def load() -> WorkingCalendar:
        closures = Closure.objects.filter(
            Q(agency_id=site.agency_id, site__isnull=True) | Q(site=site)
        ).values_list("date", flat=True)
        return _calendar(site, site.opening_hours, closures)

    if not cached:
        return load()
    return _site_calendars.get_or_load(_cache_key(site, site.opening_hours, site.agency_id), load)


_site_calendars: LocalCache[WorkingCalendar] = LocalCache("organisations.site_calendars")


# Every case intake computes due times with its agency's calendar: kept per process for a few
# seconds (a Closure saved in this process clears it at once; see organisations.signals).
_agency_calendars: LocalCache[WorkingCalendar] = LocalCache("organisations.agency_calendars")


def agency_calendar(agency) -> WorkingCalendar:
    """Office hours of an agency: what service standards for cases count in."""
    from civicdesk.organisations.models import Closure

    def load() -> WorkingCalendar:
        closures = Closure.objects.filter(agency=agency, site__isnull=True).values_list(
            "date", flat=True
        )
        return _calendar(agency, agency.office_hours, closures)

    return _agency_calendars.get_or_load(_cache_key(agency, agency.office_hours), load)


def agency_calendars_forget(*args, **kwargs) -> None:
    _agency_calendars.clear()
    _site_calendars.clear()
