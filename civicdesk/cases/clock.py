"""The service-standard clock: due times from the holding agency's working-time calendar."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from civicdesk.cases.models import Case, ClockStart
from civicdesk.organisations.calendar import WorkingCalendar, agency_calendar
from civicdesk.organisations.hours import MIDNIGHT_CLOSE


def _standard(case: Case):
    return case.category.standard if case.category_id else None


def clock_start(*, case: Case, at: datetime) -> None:
    """Start (or restart from zero) the clock at `at`: compute every due time."""
    calendar = agency_calendar(case.agency)
    standard = _standard(case)
    case.clock_started_at = at
    case.paused_seconds = 0
    if standard is None:
        # Uncategorised: the agency's default promise until someone picks a category.
        case.acknowledge_due_at = calendar.add_working_hours(at, 8)
        case.reply_due_at = calendar.add_working_days(at, 10)
        case.interim_due_at = None
        return
    case.acknowledge_due_at = calendar.add_working_hours(at, standard.acknowledge_within_hours)
    if case.kind in (standard.excluded_kinds or []):
        case.reply_due_at = case.interim_due_at = None
        return
    case.reply_due_at = calendar.add_working_days(at, standard.reply_within_days)
    case.interim_due_at = (
        calendar.add_working_days(at, standard.interim_reply_after_days)
        if standard.interim_reply_after_days is not None
        and standard.interim_reply_after_days < standard.reply_within_days
        else None
    )


def clock_pause(*, case: Case, at: datetime) -> None:
    if case.paused_at is None:
        case.paused_at = at


def clock_resume(*, case: Case, at: datetime) -> timedelta:
    """Restart a paused clock and return the working time it stood still.

    The reply and interim due times come from standards counted in working days, so they move
    by whole working days only: the case's total paused working time (`paused_seconds`, kept to
    the second) is counted in full working days of the agency's longest opening day, rounded
    to the nearest day with a half day rounding up, and the due times move by the days this
    pause adds to that count. A pause shorter than half a working day moves nothing; from half
    a day up to one and a half it moves them one working day, to the same time on the later day
    (the close, where the standard set them), skipping closed days and holidays. Short pauses
    still add up: three pauses of three hours in an eight-hour office move the due times by one
    day at the second one.

    This keeps the published promise day-granular: seconds of pause never push a due time that
    sits at closing time into the next morning. The acknowledgement due time (a standard in
    working hours) does not move: the reply that pauses the clock acknowledges the case.

    Under the "complete information" rule the clock starts again from zero instead: the
    standard counts from the day all needed information arrived.
    """
    if case.paused_at is None:
        return timedelta(0)
    calendar = agency_calendar(case.agency)
    paused = calendar.working_time_between(case.paused_at, at)
    case.paused_at = None
    standard = _standard(case)
    if standard is not None and standard.clock_start == ClockStart.COMPLETE_INFORMATION:
        acknowledged = case.acknowledge_due_at
        clock_start(case=case, at=at)
        case.acknowledge_due_at = acknowledged  # the acknowledgement is not owed twice
        return paused
    paused = max(paused, timedelta(0))
    before = timedelta(seconds=case.paused_seconds)
    day = _working_day_length(calendar)
    days = _whole_days(before + paused, day) - _whole_days(before, day)
    if days > 0:
        for field in ("reply_due_at", "interim_due_at"):
            due = getattr(case, field)
            if due is not None:
                setattr(case, field, _later_by_working_days(calendar, due, days))
    case.paused_seconds += int(paused.total_seconds())
    return paused


def due_after_pauses(calendar: WorkingCalendar, due: datetime, paused: timedelta) -> datetime:
    """`due` as a case's pauses totalling `paused` working time move it (`clock_resume`'s rule,
    in one step): for measures that recompute a due time from the standard (pledges)."""
    days = _whole_days(max(paused, timedelta(0)), _working_day_length(calendar))
    return _later_by_working_days(calendar, due, days) if days > 0 else due


def _working_day_length(calendar: WorkingCalendar) -> timedelta:
    """Open time of the agency's longest opening day: what "one working day" of pause means."""

    def length(opens: time, closes: time) -> timedelta:
        end = (
            timedelta(days=1)
            if closes == MIDNIGHT_CLOSE
            else timedelta(hours=closes.hour, minutes=closes.minute)
        )
        return end - timedelta(hours=opens.hour, minutes=opens.minute)

    days = [
        sum((length(o, c) for o, c in hours), timedelta(0)) for hours in calendar.weekly.values()
    ]
    return max(days, default=timedelta(0))


def _whole_days(amount: timedelta, day: timedelta) -> int:
    """`amount` of working time in whole working days of length `day`, a half day rounding up."""
    if day <= timedelta(0):
        return 0
    return (2 * amount + day) // (2 * day)


def _later_by_working_days(calendar: WorkingCalendar, due: datetime, days: int) -> datetime:
    """`due` moved `days` working days later, keeping its distance from its day's close."""
    local_day = due.astimezone(calendar.tz).date()
    intervals = calendar.intervals_on(local_day)
    if not intervals:
        # The due's day closed after the due was set (a closure added later): the first
        # working day after it is one day later, not day 0 (add_working_days would start
        # from the next working day and land a day too far).
        day, counted = local_day, 0
        while counted < days:
            day += timedelta(days=1)
            if calendar.is_working_day(day):
                counted += 1
        return calendar.intervals_on(day)[-1][1]
    before_close = (
        calendar.working_time_between(due, intervals[-1][1]) if intervals else timedelta(0)
    )
    # From the start of the due's day: day 0 is that day (the next working one if it is closed).
    start_of_day = datetime.combine(local_day, time(0), tzinfo=calendar.tz)
    later_close = calendar.add_working_days(start_of_day, days)
    if before_close > timedelta(0):
        return calendar.add_working_time(later_close, -before_close)
    return later_close


def breach_of(case: Case, at: datetime) -> str | None:
    """Which promise the case has broken at `at`, if any (paused clocks do not run)."""
    if case.paused_at is not None or not case.is_open:
        return None
    if case.acknowledged_at is None and case.acknowledge_due_at and at > case.acknowledge_due_at:
        return "acknowledge"
    if case.replied_at is None and case.reply_due_at and at > case.reply_due_at:
        return "reply"
    return None
