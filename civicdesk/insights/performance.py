"""Staff and team performance (issue 9, item 4): reads only, scoped by Area.PERFORMANCE.

The unit of work is a *visit*: one ticket at one service with one officer, built in the database
by grouping the ticket's timed periods (`queues.TicketPeriod`) on (ticket, officer, service).
From the visits:

- served: the visit has a finished `serving` period; its service time is the sum of its
  `serving` periods (a hold in the middle is not service time).
- mean and 90th percentile of service time, the percentile interpolated between ranks as
  PostgreSQL's PERCENTILE_CONT does, computed here so SQLite and PostgreSQL give the same figure.
- hold rate: served visits with an `on_hold` period ÷ served visits.
- transfer rate: visits the officer sent on to another service ÷ visits called.
- no-shows: visits that ended the ticket as a no-show ÷ visits called.
- case mix: expected time of a visit = the mean service time of its service over every officer
  of the agency in the period; index = Σ observed ÷ Σ expected. With the mean (not the median)
  the agency as a whole is exactly 1.0, so above 1 is slower than colleagues on the same mix.
- working hours: no counter sign-in history is kept (a counter stores only when it was opened
  last), so time at a counter is, per officer, the officer's `called` and `serving` periods at
  any counter joined across gaps of at most IDLE_GAP (waiting for the next visitor is work; a
  longer gap is a break or other duties). Overlapping periods (two counters at once) count once. Visits per working hour = served visits ÷
  those hours.
- CSAT: survey responses naming the officer (surveys.Response.officer), share scoring 4 or 5.
- cases: cases the officer resolved in the period, and the share replied to by the reply
  standard's due time (cases.Case.reply_due_at).

Everything is filtered to the officers the viewer may see (`visible_officers`): own record,
own departments and sites, the agency, or every agency, as permissions.py says.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.utils.translation import gettext

from civicdesk.audit.services import audit_record
from civicdesk.cases.models import Case
from civicdesk.core.errors import ValidationFailed
from civicdesk.insights.staffing import week_words
from civicdesk.organisations.models import Agency, Department, StaffProfile
from civicdesk.organisations.permissions import Access, Area, Scope, scope_for, scope_queryset
from civicdesk.queues.models import Service, TicketPeriod
from civicdesk.queues.models import TicketStatus as S
from civicdesk.surveys.models import Response

IDLE_GAP = timedelta(minutes=30)
MAX_DAYS = 366
SERVICE_KEY_PREFIX = "queues.service:"
NO_TEAM = 0  # the key of the "no team" row: officers in no department


# --- what is asked -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PerformanceQuery:
    """Local dates (agency time zone), both inclusive, and optional narrowing."""

    agency: Agency
    date_from: date
    date_to: date
    site_id: int | None = None
    service_id: int | None = None
    team_id: int | None = None
    officer_id: int | None = None

    def __post_init__(self):
        if self.date_to < self.date_from:
            raise ValidationFailed(
                gettext("The end date must be on or after the start date."),
                errors={"date_to": "before_start"},
            )
        if (self.date_to - self.date_from).days + 1 > MAX_DAYS:
            raise ValidationFailed(
                gettext("Choose at most %(days)d days.") % {"days": MAX_DAYS},
                errors={"date_to": "too_long"},
            )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.agency.timezone)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time(0), tzinfo=self.tz).astimezone(UTC)

    @property
    def end(self) -> datetime:
        next_day = self.date_to + timedelta(days=1)
        return datetime.combine(next_day, time(0), tzinfo=self.tz).astimezone(UTC)


# --- what comes back ---------------------------------------------------------------------------
@dataclass
class Figures:
    """One row of a table: an officer, a team, a service, a period or the total."""

    key: object
    label: str
    visits: int = 0  # called to the officer (served, no-show or transferred before service)
    served: int = 0
    held: int = 0
    transferred: int = 0
    no_shows: int = 0
    mean_seconds: float | None = None
    p90_seconds: float | None = None
    expected_mean_seconds: float | None = None
    case_mix_index: float | None = None
    hours: float | None = None
    csat_answers: int = 0
    csat_satisfied: int = 0
    csat_total: int = 0
    cases_resolved: int = 0
    cases_with_standard: int = 0
    cases_within: int = 0

    @property
    def per_hour(self) -> float | None:
        return self.served / self.hours if self.hours else None

    @property
    def hold_rate(self) -> float | None:
        return self.held / self.served if self.served else None

    @property
    def transfer_rate(self) -> float | None:
        return self.transferred / self.visits if self.visits else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.visits if self.visits else None

    @property
    def csat_percent(self) -> float | None:
        return 100 * self.csat_satisfied / self.csat_answers if self.csat_answers else None

    @property
    def csat_mean(self) -> float | None:
        return self.csat_total / self.csat_answers if self.csat_answers else None

    @property
    def cases_within_rate(self) -> float | None:
        return self.cases_within / self.cases_with_standard if self.cases_with_standard else None

    @property
    def mean_minutes(self) -> float | None:
        return _minutes(self.mean_seconds)

    @property
    def p90_minutes(self) -> float | None:
        return _minutes(self.p90_seconds)

    @property
    def expected_mean_minutes(self) -> float | None:
        return _minutes(self.expected_mean_seconds)


@dataclass
class Report:
    query: PerformanceQuery
    scope: Scope
    officers: list[Figures]
    teams: list[Figures]
    services: list[Figures]
    periods: list[Figures]
    total: Figures
    bucket: str  # "day", "week" or "month": the size of each period row
    officer_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Visit:
    ticket_id: int
    officer_id: int
    service_id: int
    started_at: datetime
    service_seconds: float | None  # None: not served
    held: bool
    transferred: bool
    no_show: bool


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PERCENTILE_CONT: linear interpolation between the two nearest ranks (of sorted values)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


# --- who may be seen ---------------------------------------------------------------------------
def visible_officers(user, agency: Agency):
    """Staff of `agency` whose performance `user` may read: none, self, unit, agency (or all)."""
    staff = StaffProfile.objects.filter(agency=agency)
    return scope_queryset(
        user,
        Area.PERFORMANCE,
        Access.READ,
        staff,
        department_field="departments",
        site_field="sites",
        staff_field="pk",
    ).distinct()


def agencies_for(user):
    """The agencies the user can choose between: their own, or every one for system admins."""
    scope = scope_for(user, Area.PERFORMANCE, Access.READ)
    if scope is Scope.NONE:
        return Agency.objects.none()
    if scope is Scope.ALL:
        return Agency.objects.filter(is_active=True).order_by("code")
    return Agency.objects.filter(pk=user.staff_profile.agency_id)


def teams_for(user, agency: Agency):
    """Departments offered as a team filter: the viewer's own for unit scope, else the agency's."""
    scope = scope_for(user, Area.PERFORMANCE, Access.READ)
    departments = Department.objects.filter(agency=agency, is_active=True).order_by("name")
    if scope is Scope.UNIT:
        return departments.filter(staff=user.staff_profile)
    if scope in (Scope.AGENCY, Scope.ALL):
        return departments
    return departments.none()


# --- the report --------------------------------------------------------------------------------
def performance_report(*, user, query: PerformanceQuery) -> Report:
    scope = scope_for(user, Area.PERFORMANCE, Access.READ)
    officers = visible_officers(user, query.agency)
    if query.team_id is not None:
        officers = officers.filter(departments=query.team_id)
    if query.officer_id is not None:
        officers = officers.filter(pk=query.officer_id)
    names = dict(officers.values_list("pk", "display_name"))
    officer_ids = set(names)

    all_visits = visits_in(query)
    expected = service_means(all_visits)
    visits = [v for v in all_visits if v.officer_id in officer_ids]
    # An officer's hours are not split between the services they serve: with a service filter,
    # hours (and served per hour) are not given at all rather than set against the whole day's.
    sessions = counter_sessions(query, officer_ids) if query.service_id is None else {}
    csat = csat_by_officer_and_service(query, officer_ids)
    cases = cases_by_officer(query, officer_ids)

    teams_of = _teams_of(officer_ids, only=query.team_id)
    team_names = {d.pk: d.local_name() for d in Department.objects.filter(agency=query.agency)}
    # Teams, services and sites in the reader's language, as the queue pages name them.
    agency_services = Service.objects.filter(site__agency=query.agency).select_related("site")
    service_names = {s.pk: s.local_name() for s in agency_services}
    service_sites = {s.pk: s.site.local_name() for s in agency_services}

    by_officer: dict[int, _Acc] = defaultdict(_Acc)
    by_team: dict[int, _Acc] = defaultdict(_Acc)
    by_service: dict[int, _Acc] = defaultdict(_Acc)
    by_period: dict[date, _Acc] = defaultdict(_Acc)
    total = _Acc()
    bucket = bucket_size(query)
    for visit in visits:
        exp = expected.get(visit.service_id)
        accs = [by_officer[visit.officer_id], by_service[visit.service_id], total]
        accs += [by_team[t] for t in teams_of.get(visit.officer_id, [NO_TEAM])]
        accs.append(by_period[bucket_start(visit.started_at.astimezone(query.tz).date(), bucket)])
        for acc in accs:
            acc.add_visit(visit, exp)
    for officer_id, spans in sessions.items():
        for start, end in spans:
            hours = (end - start).total_seconds() / 3600
            day = start.astimezone(query.tz).date()
            accs = [by_officer[officer_id], total, by_period[bucket_start(day, bucket)]]
            accs += [by_team[t] for t in teams_of.get(officer_id, [NO_TEAM])]
            for acc in accs:
                acc.hours += hours
    for (officer_id, service_id), (n, satisfied, score_total) in csat.items():
        accs = [by_officer[officer_id], total]
        accs += [by_team[t] for t in teams_of.get(officer_id, [NO_TEAM])]
        if service_id is not None:
            accs.append(by_service[service_id])
        for acc in accs:
            acc.csat_answers += n
            acc.csat_satisfied += satisfied
            acc.csat_total += score_total
    for officer_id, (resolved, with_standard, within) in cases.items():
        accs = [by_officer[officer_id], total]
        accs += [by_team[t] for t in teams_of.get(officer_id, [NO_TEAM])]
        for acc in accs:
            acc.cases_resolved += resolved
            acc.cases_with_standard += with_standard
            acc.cases_within += within

    officer_rows = sorted(
        (acc.figures(key, names.get(key, "")) for key, acc in by_officer.items()),
        key=lambda f: f.label.casefold(),
    )
    team_rows = sorted(
        (
            acc.figures(key, team_names.get(key) or gettext("No team"))
            for key, acc in by_team.items()
        ),
        key=lambda f: (f.key == NO_TEAM, f.label.casefold()),
    )
    service_rows = sorted(
        (
            acc.figures(key, f"{service_names.get(key, '')} ({service_sites.get(key, '')})")
            for key, acc in by_service.items()
        ),
        key=lambda f: f.label.casefold(),
    )
    for row in service_rows:
        row.hours = None  # an officer's hours are not split between the services they serve
    period_rows = [
        by_period[day].figures(day, bucket_label(day, bucket))
        for day in bucket_starts(query, bucket)
    ]
    total_row = total.figures(None, "")
    if query.service_id is not None:
        for row in [*officer_rows, *team_rows, *period_rows, total_row]:
            row.hours = None
    return Report(
        query=query,
        scope=scope,
        officers=officer_rows,
        teams=team_rows,
        services=service_rows,
        periods=period_rows,
        total=total_row,
        bucket=bucket,
        officer_ids=sorted(officer_ids),
    )


class _Acc:
    __slots__ = (
        "cases_resolved",
        "cases_with_standard",
        "cases_within",
        "csat_answers",
        "csat_satisfied",
        "csat_total",
        "expected",
        "held",
        "hours",
        "no_shows",
        "seconds",
        "served",
        "transferred",
        "visits",
    )  # fmt: skip

    def __init__(self):
        self.visits = self.served = self.held = self.transferred = self.no_shows = 0
        self.seconds: list[float] = []
        self.expected = 0.0
        self.hours = 0.0
        self.csat_answers = self.csat_satisfied = self.csat_total = 0
        self.cases_resolved = self.cases_with_standard = self.cases_within = 0

    def add_visit(self, visit: Visit, expected_seconds: float | None) -> None:
        self.visits += 1
        self.transferred += visit.transferred
        self.no_shows += visit.no_show
        if visit.service_seconds is not None:
            self.served += 1
            self.held += visit.held
            self.seconds.append(visit.service_seconds)
            self.expected += expected_seconds or 0.0

    def figures(self, key, label: str) -> Figures:
        observed = sum(self.seconds)
        mean = observed / len(self.seconds) if self.seconds else None
        return Figures(
            key=key,
            label=label,
            visits=self.visits,
            served=self.served,
            held=self.held,
            transferred=self.transferred,
            no_shows=self.no_shows,
            mean_seconds=mean,
            p90_seconds=percentile_cont(self.seconds, 0.9),
            expected_mean_seconds=self.expected / len(self.seconds) if self.seconds else None,
            case_mix_index=observed / self.expected if self.expected else None,
            hours=self.hours if (self.hours or self.visits) else None,
            csat_answers=self.csat_answers,
            csat_satisfied=self.csat_satisfied,
            csat_total=self.csat_total,
            cases_resolved=self.cases_resolved,
            cases_with_standard=self.cases_with_standard,
            cases_within=self.cases_within,
        )


# --- the queries -------------------------------------------------------------------------------
_DURATION = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())


def _periods(query: PerformanceQuery):
    periods = TicketPeriod.objects.filter(
        ticket__site__agency=query.agency,
        started_at__gte=query.start,
        started_at__lt=query.end,
        ended_at__isnull=False,
    )
    if query.site_id is not None:
        periods = periods.filter(ticket__site_id=query.site_id)
    return periods


def visits_in(query: PerformanceQuery) -> list[Visit]:
    """Every officer's visits in the period (site and service filters applied), one GROUP BY."""
    periods = _periods(query).filter(
        officer__isnull=False, status__in=[S.CALLED, S.SERVING, S.ON_HOLD]
    )
    if query.service_id is not None:
        periods = periods.filter(service_id=query.service_id)
    # Datetimes are costly to read back on SQLite: read only the start of each visit, and its
    # end only for the few tickets that were transferred.
    rows = (
        periods.values("ticket_id", "officer_id", "service_id")
        .annotate(
            first=Min("started_at"),
            last_if_transferred=Max("ended_at", filter=Q(ticket__transfer_count__gt=0)),
            serving=Sum(_DURATION, filter=Q(status=S.SERVING)),
            serving_periods=Count("pk", filter=Q(status=S.SERVING)),
            holds=Count("pk", filter=Q(status=S.ON_HOLD)),
            # The no-show closes the visit's last period at the instant the ticket finished.
            no_show=Count(
                "pk",
                filter=Q(ticket__status=S.NO_SHOW, ended_at=F("ticket__finished_at")),
            ),
        )
        .order_by()
    )
    rows = list(rows)
    transfers = _transfer_starts({r["ticket_id"] for r in rows if r["last_if_transferred"]})
    return [
        Visit(
            ticket_id=r["ticket_id"],
            officer_id=r["officer_id"],
            service_id=r["service_id"],
            started_at=r["first"],
            service_seconds=r["serving"].total_seconds() if r["serving_periods"] else None,
            held=r["holds"] > 0,
            transferred=(r["ticket_id"], r["last_if_transferred"]) in transfers,
            no_show=r["no_show"] > 0,
        )
        for r in rows
    ]


def _transfer_starts(ticket_ids: set[int]) -> set[tuple[int, datetime]]:
    """(ticket, instant) of each transfer: a waiting period that follows a period at a desk.
    Transfers are rare, so this reads only the tickets that had one."""
    if not ticket_ids:
        return set()
    waiting = (
        TicketPeriod.objects.filter(ticket_id__in=ticket_ids, status=S.WAITING)
        .values_list("ticket_id", "started_at")
        .order_by()
    )
    return set(waiting)


def service_means(visits: Iterable[Visit]) -> dict[int, float]:
    """Mean service time per service over every officer's served visits: the case-mix norm."""
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    for visit in visits:
        if visit.service_seconds is not None:
            entry = totals[visit.service_id]
            entry[0] += visit.service_seconds
            entry[1] += 1
    return {service: total / n for service, (total, n) in totals.items()}


def counter_sessions(
    query: PerformanceQuery, officer_ids: set[int]
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Per officer, spans of time at a counter: their called and serving periods (any service,
    any counter, any site in the filter) merged when at most IDLE_GAP apart. One person is at one
    desk at a time: periods at two counters (or two sites) at once count once, so an officer's
    hours never exceed the time they span."""
    if not officer_ids:
        return {}
    periods = (
        _periods(query)
        .filter(officer_id__in=officer_ids, status__in=[S.CALLED, S.SERVING])
        .values_list("officer_id", "started_at", "ended_at")
        .order_by("officer_id", "started_at", "pk")
    )
    sessions: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    person, opened, closed = None, None, None
    for officer_id, start, end in periods.iterator(chunk_size=5000):
        if person == officer_id and start - closed <= IDLE_GAP:
            closed = max(closed, end)
            continue
        if person is not None:
            sessions[person].append((opened, closed))
        person, opened, closed = officer_id, start, end
    if person is not None:
        sessions[person].append((opened, closed))
    return dict(sessions)


def csat_by_officer_and_service(
    query: PerformanceQuery, officer_ids: set[int]
) -> dict[tuple[int, int | None], tuple[int, int, int]]:
    """(officer, queue service or None) -> (answers, satisfied 4-5, sum of scores)."""
    if not officer_ids:
        return {}
    responses = Response.objects.filter(
        agency=query.agency,
        officer_id__in=officer_ids,
        answered_at__gte=query.start,
        answered_at__lt=query.end,
        csat__isnull=False,
    )
    if query.site_id is not None:
        responses = responses.filter(site_id=query.site_id)
    if query.service_id is not None:
        responses = responses.filter(service_key=f"{SERVICE_KEY_PREFIX}{query.service_id}")
    rows = (
        responses.values("officer_id", "service_key")
        .annotate(n=Count("pk"), satisfied=Count("pk", filter=Q(csat__gte=4)), total=Sum("csat"))
        .order_by()
    )
    result: dict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        key = row["service_key"]
        service_id = None
        if key.startswith(SERVICE_KEY_PREFIX) and key[len(SERVICE_KEY_PREFIX) :].isdigit():
            service_id = int(key[len(SERVICE_KEY_PREFIX) :])
        entry = result[row["officer_id"], service_id]
        entry[0] += row["n"]
        entry[1] += row["satisfied"]
        entry[2] += row["total"]
    return {key: tuple(value) for key, value in result.items()}


def cases_by_officer(
    query: PerformanceQuery, officer_ids: set[int]
) -> dict[int, tuple[int, int, int]]:
    """officer -> (cases resolved in the period, of them with a reply standard, replied in time).

    Cases are not queue services: with a service filter there are none."""
    if not officer_ids or query.service_id is not None:
        return {}
    cases = Case.objects.filter(
        agency=query.agency,
        assignee_id__in=officer_ids,
        resolved_at__gte=query.start,
        resolved_at__lt=query.end,
    )
    if query.site_id is not None:
        cases = cases.filter(site_id=query.site_id)
    with_standard = Q(reply_due_at__isnull=False)
    in_time = Q(replied_at__lte=F("reply_due_at")) | Q(
        replied_at__isnull=True, resolved_at__lte=F("reply_due_at")
    )
    rows = (
        cases.values("assignee_id")
        .annotate(
            resolved=Count("pk"),
            with_standard=Count("pk", filter=with_standard),
            within=Count("pk", filter=with_standard & in_time),
        )
        .order_by()
    )
    return {r["assignee_id"]: (r["resolved"], r["with_standard"], r["within"]) for r in rows}


def _teams_of(officer_ids: set[int], *, only: int | None) -> dict[int, list[int]]:
    links = StaffProfile.departments.through.objects.filter(staffprofile_id__in=officer_ids)
    if only is not None:
        links = links.filter(department_id=only)
    teams: dict[int, list[int]] = defaultdict(list)
    for officer_id, department_id in links.values_list("staffprofile_id", "department_id"):
        teams[officer_id].append(department_id)
    return dict(teams)


# --- periods -----------------------------------------------------------------------------------
def bucket_size(query: PerformanceQuery) -> str:
    days = (query.date_to - query.date_from).days + 1
    if days <= 14:
        return "day"
    if days <= 16 * 7:
        return "week"
    return "month"


def bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def bucket_starts(query: PerformanceQuery, bucket: str) -> list[date]:
    starts, day = [], bucket_start(query.date_from, bucket)
    while day <= query.date_to:
        starts.append(day)
        if bucket == "day":
            day += timedelta(days=1)
        elif bucket == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return starts


def bucket_label(day: date, bucket: str) -> str:
    if bucket == "week":
        return week_words(day)  # "Week of 14 December 2026", not the code "2026-W51"
    if bucket == "month":
        return f"{day:%Y-%m}"
    return day.isoformat()


# --- audit -------------------------------------------------------------------------------------
@transaction.atomic
def performance_view_record(*, actor, report: Report, export: str = "") -> None:
    """Every look at individual performance is in the audit log: who, which filters, whom."""
    query = report.query
    audit_record(
        actor=actor,
        action="performance.export" if export else "performance.view",
        agency=query.agency,
        data={
            "from": query.date_from.isoformat(),
            "to": query.date_to.isoformat(),
            "site": query.site_id,
            "service": query.service_id,
            "team": query.team_id,
            "officer": query.officer_id,
            "table": export,
            "officers_shown": [row.key for row in report.officers],
        },
    )
