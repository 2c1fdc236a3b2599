"""The service-standard clock: due times from the holding agency's working-time calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from civicdesk.cases.models import Case, ClockStart
from civicdesk.organisations.calendar import agency_calendar


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
    """Restart a paused clock. Due times move on by the working time spent paused.

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
    if paused > timedelta(0):
        for field in ("reply_due_at", "interim_due_at"):
            due = getattr(case, field)
            if due is not None:
                setattr(case, field, calendar.add_working_time(due, paused))
    case.paused_seconds += int(paused.total_seconds())
    return paused


def breach_of(case: Case, at: datetime) -> str | None:
    """Which promise the case has broken at `at`, if any (paused clocks do not run)."""
    if case.paused_at is not None or not case.is_open:
        return None
    if case.acknowledged_at is None and case.acknowledge_due_at and at > case.acknowledge_due_at:
        return "acknowledge"
    if case.replied_at is None and case.reply_due_at and at > case.reply_due_at:
        return "reply"
    return None
