"""Demand from the database: arrivals per 15 minutes, as day × slot matrices.

Queue arrivals count tickets at the moment they took their place in the queue (`queued_at`:
for an appointment checked in early that is its slot), grouped in the database by local hour
and quarter, site, service and channel (kiosk, remote, staff, appointment). Case contacts count
cases by `received_at` per channel. The grouping is one GROUP BY on a truncated time, which
SQLite and PostgreSQL both do; the matrices are then filled in Python with the site's opening
hours (closed slots NaN, so holidays and closures drop out of training).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from django.db.models import Count, IntegerField
from django.db.models.functions import Cast, ExtractMinute, TruncHour

from civicdesk.organisations.calendar import WorkingCalendar, agency_calendar, site_calendar

STEP_MINUTES = 15
SLOTS = 1440 // STEP_MINUTES


def _bounds(calendar: WorkingCalendar, first_day: date, end_day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first_day, time(0), tzinfo=calendar.tz).astimezone(UTC)
    end = datetime.combine(end_day, time(0), tzinfo=calendar.tz).astimezone(UTC)
    return start, end


def open_mask(calendar: WorkingCalendar, first_day: date, days: int) -> np.ndarray:
    """days × slots, True where the calendar is open for any part of the slot."""
    mask = np.zeros((days, SLOTS), dtype=bool)
    for d in range(days):
        day = first_day + timedelta(days=d)
        for start, end in calendar.intervals_on(day):
            local_start = start.astimezone(calendar.tz)
            local_end = end.astimezone(calendar.tz)
            first = (local_start.hour * 60 + local_start.minute) // STEP_MINUTES
            if local_end.date() > day:
                last = SLOTS
            else:
                minutes = local_end.hour * 60 + local_end.minute
                last = -(-minutes // STEP_MINUTES)
            mask[d, first:last] = True
    return mask


def _grouped(queryset, field: str, tz, extra: list[str]):
    """Rows of (local hour start, quarter, *extra, count) grouped in the database."""
    return (
        queryset.annotate(
            hour=TruncHour(field, tzinfo=tz),
            quarter=Cast(ExtractMinute(field, tzinfo=tz), IntegerField()) / STEP_MINUTES,
        )
        .values("hour", "quarter", *extra)
        .annotate(n=Count("id"))
        .order_by()
    )


def _place(matrix: np.ndarray, first_day: date, tz, hour: datetime, quarter: int, n: int) -> None:
    local = hour.astimezone(tz) if hour.tzinfo else hour
    d = (local.date() - first_day).days
    if 0 <= d < matrix.shape[0]:
        s = local.hour * (60 // STEP_MINUTES) + int(quarter)
        current = matrix[d, s]
        matrix[d, s] = n if np.isnan(current) else current + n


def ticket_arrivals(
    *, site, first_day: date, end_day: date, by_channel: bool = False
) -> dict[tuple[int, str | None], np.ndarray]:
    """{(service_id, channel or None): days × slots matrix} for [first_day, end_day)."""
    from civicdesk.queues.models import Ticket

    calendar = site_calendar(site)
    days = (end_day - first_day).days
    start, end = _bounds(calendar, first_day, end_day)
    mask = open_mask(calendar, first_day, days)
    blank = np.where(mask, 0.0, np.nan)
    extra = ["service_id", "channel"] if by_channel else ["service_id"]
    rows = _grouped(
        Ticket.objects.filter(site=site, queued_at__gte=start, queued_at__lt=end),
        "queued_at",
        calendar.tz,
        extra,
    )
    result: dict[tuple[int, str | None], np.ndarray] = defaultdict(blank.copy)
    for row in rows:
        key = (row["service_id"], row.get("channel") if by_channel else None)
        _place(result[key], first_day, calendar.tz, row["hour"], row["quarter"], row["n"])
    return dict(result)


def site_service_arrivals(*, site, first_day: date, end_day: date) -> dict[int, np.ndarray]:
    """{service_id: matrix} for every active service of the site (zeros where open, no tickets)."""
    from civicdesk.queues.models import Service

    calendar = site_calendar(site)
    days = (end_day - first_day).days
    blank = np.where(open_mask(calendar, first_day, days), 0.0, np.nan)
    found = ticket_arrivals(site=site, first_day=first_day, end_day=end_day)
    return {
        service.pk: found.get((service.pk, None), blank.copy())
        for service in Service.objects.filter(site=site, is_active=True)
    }


def case_contacts(*, agency, first_day: date, end_day: date) -> dict[str, np.ndarray]:
    """{channel: days × slots matrix} of cases received, in the agency's office hours grid."""
    from civicdesk.cases.models import Case

    calendar = agency_calendar(agency)
    days = (end_day - first_day).days
    start, end = _bounds(calendar, first_day, end_day)
    # Contacts arrive at any hour (email, web); closed slots are kept as 0, not NaN, and
    # whole closed days stay NaN so holidays do not train the forecast.
    open_days = open_mask(calendar, first_day, days).any(axis=1)
    blank = np.zeros((days, SLOTS))
    blank[~open_days] = np.nan
    rows = _grouped(
        Case.objects.filter(agency=agency, received_at__gte=start, received_at__lt=end),
        "received_at",
        calendar.tz,
        ["channel"],
    )
    result: dict[str, np.ndarray] = defaultdict(blank.copy)
    for row in rows:
        _place(
            result[row["channel"]], first_day, calendar.tz, row["hour"], row["quarter"], row["n"]
        )
    return dict(result)


def service_minutes(*, service, since: datetime, limit: int = 5000) -> list[float]:
    """Measured service times (minutes) of a service: its serving periods since `since`."""
    from civicdesk.queues.models import TicketPeriod, TicketStatus

    periods = (
        TicketPeriod.objects.filter(
            service=service,
            status=TicketStatus.SERVING,
            started_at__gte=since,
            ended_at__isnull=False,
        )
        .order_by("-started_at")
        .values_list("started_at", "ended_at")[:limit]
    )
    return [(end - start).total_seconds() / 60 for start, end in periods if end > start]


def abandonment(*, service, since: datetime) -> tuple[float, float]:
    """(share of tickets that ended as no-shows, mean minutes waited before the first call)."""
    from django.db.models import Avg, DurationField, ExpressionWrapper, F, Q

    from civicdesk.queues.models import Ticket, TicketStatus

    tickets = Ticket.objects.filter(service=service, queued_at__gte=since)
    stats = tickets.aggregate(
        total=Count("id"), no_show=Count("id", filter=Q(status=TicketStatus.NO_SHOW))
    )
    if not stats["total"]:
        return 0.0, 0.0
    waited = (
        tickets.filter(called_at__isnull=False)
        .annotate(
            w=ExpressionWrapper(F("called_at") - F("queued_at"), output_field=DurationField())
        )
        .aggregate(mean=Avg("w"))["mean"]
    )
    mean_wait = waited.total_seconds() / 60 if waited else 0.0
    return stats["no_show"] / stats["total"], max(0.0, mean_wait)
