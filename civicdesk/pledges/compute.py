"""Measuring pledges: raw tickets, cases and answers -> DailyFigure -> PeriodResult.

Each pledge is measured per local day into additive counts (count, hits, aux, total and a
histogram of whole minutes). A period's result is a sum of its days, so late data only
recomputes the days it touches and the periods those days belong to; pages read PeriodResult.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Min

from civicdesk.cases.clock import due_after_pauses
from civicdesk.core.clock import now
from civicdesk.core.zones import local_today
from civicdesk.pledges.metrics import SPECS, Metric, Source, figure, is_met
from civicdesk.pledges.models import ClockStart, DailyFigure, Exclusion, PeriodResult, Pledge
from civicdesk.pledges.periods import period_end, period_label, period_start, periods_between


def _bounds(tz: ZoneInfo, first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


class _Counts:
    __slots__ = ("aux", "count", "histogram", "hits", "total")

    def __init__(self):
        self.count = self.hits = self.aux = 0
        self.total = 0.0
        self.histogram: dict[str, int] = defaultdict(int)


def _wait_counts(pledge: Pledge, rows: Iterable[tuple]) -> dict:
    """rows: (day, site_id, start, end). Waits in minutes."""
    limit = (pledge.threshold or 0) * 60
    counts: dict = defaultdict(_Counts)
    for day, site_id, start, end in rows:
        seconds = max(0.0, (end - start).total_seconds())
        c = counts[day, site_id]
        c.count += 1
        c.hits += seconds <= limit
        c.total += seconds / 60
        c.histogram[str(int(seconds // 60))] += 1
    return counts


def _tickets(pledge: Pledge, first: date, last: date) -> dict:
    from civicdesk.queues.lanes import NORMAL
    from civicdesk.queues.models import Channel, Ticket, TicketStatus

    qs = Ticket.objects.filter(
        site__agency_id=pledge.agency_id, day__gte=first, day__lte=last, called_at__isnull=False
    )
    if pledge.site_id:
        qs = qs.filter(site_id=pledge.site_id)
    if pledge.service_id:
        qs = qs.filter(service_id=pledge.service_id)
    if pledge.channel:
        qs = qs.filter(channel=pledge.channel)
    if Exclusion.NO_SHOW in pledge.exclusions:
        qs = qs.exclude(status=TicketStatus.NO_SHOW)
    if Exclusion.PRIORITY in pledge.exclusions:
        qs = qs.filter(lane=NORMAL)
    if Exclusion.APPOINTMENTS in pledge.exclusions:
        qs = qs.exclude(channel=Channel.APPOINTMENT)
    start = "queued_at" if pledge.clock_start == ClockStart.QUEUED else "joined_at"
    rows = qs.values_list("day", "site_id", start, "called_at").iterator(chunk_size=5000)
    return _wait_counts(pledge, rows)


def _appointments(pledge: Pledge, first: date, last: date) -> dict:
    from civicdesk.queues.models import Appointment

    qs = Appointment.objects.filter(
        ticket__site__agency_id=pledge.agency_id,
        ticket__day__gte=first,
        ticket__day__lte=last,
        ticket__started_at__isnull=False,
    )
    if pledge.site_id:
        qs = qs.filter(ticket__site_id=pledge.site_id)
    if pledge.service_id:
        qs = qs.filter(ticket__service_id=pledge.service_id)
    rows = qs.values_list(
        "ticket__day", "ticket__site_id", "slot__starts_at", "ticket__started_at"
    ).iterator(chunk_size=5000)
    return _wait_counts(pledge, rows)


def _case_queryset(pledge: Pledge, first: date, last: date, tz: ZoneInfo):
    from civicdesk.cases.models import Case, Kind

    lo, hi = _bounds(tz, first, last)
    qs = Case.objects.filter(
        agency_id=pledge.agency_id,
        received_at__gte=lo,
        received_at__lt=hi,
        merged_into__isnull=True,
    )
    if pledge.site_id:
        qs = qs.filter(site_id=pledge.site_id)
    if pledge.category_id:
        qs = qs.filter(category_id=pledge.category_id)
    if pledge.channel:
        qs = qs.filter(channel=pledge.channel)
    if pledge.case_kind:
        qs = qs.filter(kind=pledge.case_kind)
    if Exclusion.COMPLIMENTS in pledge.exclusions:
        qs = qs.exclude(kind=Kind.COMPLIMENT)
    if Exclusion.TRANSFERRED in pledge.exclusions:
        qs = qs.filter(transfer_count=0)
    return qs


def _cases(pledge: Pledge, first: date, last: date) -> dict:
    from civicdesk.organisations.calendar import agency_calendar

    agency = pledge.agency
    tz = ZoneInfo(agency.timezone)
    qs = _case_queryset(pledge, first, last, tz)
    moment = now()
    counts: dict = defaultdict(_Counts)
    fields = (
        "received_at",
        "site_id",
        "clock_started_at",
        "acknowledge_due_at",
        "acknowledged_at",
        "reply_due_at",
        "replied_at",
        "resolved_at",
        "paused_seconds",
        "transfer_count",
    )
    calendar = agency_calendar(agency) if pledge.threshold else None
    for row in qs.values_list(*fields).iterator(chunk_size=5000):
        (received, site_id, clock_start, ack_due, acked, reply_due, replied, resolved,
         paused, transfers) = row  # fmt: skip
        day = received.astimezone(tz).date()
        if pledge.metric == Metric.CASES_ACK_WITHIN:
            due, done = ack_due, acked
        elif pledge.metric == Metric.CASES_REPLY_WITHIN:
            done = replied or resolved
            if calendar is not None:
                start = received if pledge.clock_start == ClockStart.RECEIPT else clock_start
                start = start or received
                due = due_after_pauses(
                    calendar,
                    calendar.add_working_days(start, pledge.threshold),
                    timedelta(seconds=paused or 0),
                )
            else:
                due = reply_due
        else:  # first contact: resolved on the day received, never passed on
            c = counts[day, site_id]
            c.count += 1
            c.hits += bool(
                resolved is not None and transfers == 0 and resolved.astimezone(tz).date() == day
            )
            continue
        if due is None:
            continue  # no clock for this kind of case
        if done is None and due > moment:
            continue  # still within its time: not yet known
        c = counts[day, site_id]
        c.count += 1
        c.hits += bool(done is not None and done <= due)
    return counts


def _answers(pledge: Pledge, first: date, last: date) -> dict:
    from civicdesk.surveys.models import Response

    tz = ZoneInfo(pledge.agency.timezone)
    lo, hi = _bounds(tz, first, last)
    field = {Metric.CSAT: "csat", Metric.NPS: "nps", Metric.CES: "ces"}[pledge.metric]
    qs = Response.objects.filter(
        agency_id=pledge.agency_id, answered_at__gte=lo, answered_at__lt=hi
    ).exclude(**{f"{field}__isnull": True})
    if pledge.site_id:
        qs = qs.filter(site_id=pledge.site_id)
    if pledge.service_id:
        qs = qs.filter(site_id=pledge.service.site_id, service_name=pledge.service.name)
    if pledge.channel:
        qs = qs.filter(channel=pledge.channel)
    counts: dict = defaultdict(_Counts)
    for answered, site_id, score in qs.values_list("answered_at", "site_id", field).iterator(
        chunk_size=5000
    ):
        c = counts[answered.astimezone(tz).date(), site_id]
        c.count += 1
        c.total += score
        if pledge.metric == Metric.CSAT:
            c.hits += score >= 4
        elif pledge.metric == Metric.CES:
            c.hits += score >= 5
        else:
            c.hits += score >= 9
            c.aux += score <= 6
    return counts


MEASURES = {
    Source.TICKETS: _tickets,
    Source.APPOINTMENTS: _appointments,
    Source.CASES: _cases,
    Source.ANSWERS: _answers,
}


def measure_days(pledge: Pledge, first: date, last: date) -> int:
    """Replace the pledge's daily figures for first..last; returns the rows written."""
    if pledge.starts_on and first < pledge.starts_on:
        first = pledge.starts_on
    if first > last:
        return 0
    counts = MEASURES[SPECS[pledge.metric].source](pledge, first, last)
    rows = [
        DailyFigure(
            pledge=pledge,
            day=day,
            site_id=site_id,
            count=c.count,
            hits=c.hits,
            aux=c.aux,
            total=c.total,
            histogram=dict(c.histogram),
        )
        for (day, site_id), c in counts.items()
    ]
    with transaction.atomic():
        DailyFigure.objects.filter(pledge=pledge, day__gte=first, day__lte=last).delete()
        DailyFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def roll_up(pledge: Pledge, starts: Iterable[date]) -> int:
    """Recompute the PeriodResult rows (overall and per site) of the given period starts."""
    today = local_today(pledge.agency)
    written = 0
    for start in sorted(set(starts)):
        end = period_end(start, pledge.period)
        sums: dict = defaultdict(_Counts)
        for site_id, count, hits, aux, total, histogram in DailyFigure.objects.filter(
            pledge=pledge, day__gte=start, day__lte=end
        ).values_list("site_id", "count", "hits", "aux", "total", "histogram"):
            for key in (None, site_id) if site_id is not None else (None,):
                s = sums[key]
                s.count += count
                s.hits += hits
                s.aux += aux
                s.total += total
                for minute, n in (histogram or {}).items():
                    s.histogram[minute] += n
        if None not in sums:
            sums[None] = _Counts()
        stamp = now()
        results = []
        for site_id, s in sums.items():
            value = figure(
                pledge.metric,
                count=s.count,
                hits=s.hits,
                total=s.total,
                aux=s.aux,
                histogram=s.histogram,
            )
            results.append(
                PeriodResult(
                    pledge=pledge,
                    period=pledge.period,
                    period_start=start,
                    period_end=end,
                    label=period_label(start, pledge.period),
                    site_id=site_id,
                    value=value,
                    count=s.count,
                    hits=s.hits,
                    aux=s.aux,
                    total=round(s.total, 3),
                    target=pledge.target,
                    met=is_met(pledge.metric, value, float(pledge.target)),
                    is_complete=end < today,
                    computed_at=stamp,
                )
            )
        with transaction.atomic():
            PeriodResult.objects.filter(pledge=pledge, period_start=start).delete()
            PeriodResult.objects.bulk_create(results)
        written += len(results)
    return written


def _first_data_day(pledge: Pledge) -> date | None:
    source = SPECS[pledge.metric].source
    tz = ZoneInfo(pledge.agency.timezone)
    if source in (Source.TICKETS, Source.APPOINTMENTS):
        from civicdesk.queues.models import Ticket

        return Ticket.objects.filter(site__agency_id=pledge.agency_id).aggregate(d=Min("day"))["d"]
    if source == Source.CASES:
        from civicdesk.cases.models import Case

        first = Case.objects.filter(agency_id=pledge.agency_id).aggregate(d=Min("received_at"))
    else:
        from civicdesk.surveys.models import Response

        first = Response.objects.filter(agency_id=pledge.agency_id).aggregate(d=Min("answered_at"))
    return first["d"].astimezone(tz).date() if first["d"] else None


def recompute_pledge(pledge: Pledge) -> int:
    """Measure a pledge over all its history (a new or changed definition); returns results."""
    today = local_today(pledge.agency)
    first = pledge.starts_on or _first_data_day(pledge) or today
    first = min(first, today)
    with transaction.atomic():
        DailyFigure.objects.filter(pledge=pledge).delete()
        PeriodResult.objects.filter(pledge=pledge).delete()
    # A month at a time keeps memory flat on long histories.
    for start in periods_between(first, today, "month"):
        measure_days(pledge, start, min(period_end(start, "month"), today))
    written = roll_up(pledge, periods_between(first, today, pledge.period))
    Pledge.objects.filter(pk=pledge.pk).update(needs_full_recompute=False, recompute_from=None)
    return written


def recompute_days(pledge: Pledge, days: Iterable[date]) -> int:
    """Re-measure the given days (late or new data) and roll up the periods they belong to."""
    days = sorted(set(days))
    if not days:
        return 0
    # Consecutive days are measured in one pass.
    run_start = previous = days[0]
    for day in [*days[1:], None]:
        if day is not None and day == previous + timedelta(days=1):
            previous = day
            continue
        measure_days(pledge, run_start, previous)
        if day is not None:
            run_start = previous = day
    return roll_up(pledge, {period_start(d, pledge.period) for d in days})
