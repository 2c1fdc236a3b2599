"""Reads. Public pages read only Pledge and PeriodResult rows (never raw history)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicdesk.core.clock import now
from civicdesk.organisations.models import Agency
from civicdesk.organisations.permissions import Access, Area, scope_queryset
from civicdesk.pledges.metrics import Metric, lower_is_better
from civicdesk.pledges.models import PeriodResult, Pledge, PledgeAlert
from civicdesk.pledges.periods import period_start

TREND_PERIODS = 12


def published_pledges(agency: Agency | None = None) -> QuerySet[Pledge]:
    qs = Pledge.objects.filter(is_active=True, is_published=True, agency__is_active=True)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.select_related("agency", "site", "service", "category")


def published_results(agency: Agency | None = None) -> QuerySet[PeriodResult]:
    """Every published figure: what open data exports."""
    qs = PeriodResult.objects.filter(
        pledge__is_published=True, pledge__is_active=True, pledge__agency__is_active=True
    )
    if agency is not None:
        qs = qs.filter(pledge__agency=agency)
    return qs.select_related("pledge__agency", "site").order_by(
        "pledge__agency__code", "pledge_id", "period_start", "site_id"
    )


@dataclass
class PledgeSummary:
    pledge: Pledge
    trend: list[PeriodResult] = field(default_factory=list)  # overall, oldest first
    sites: list[PeriodResult] = field(default_factory=list)  # latest period, per site

    @property
    def latest(self) -> PeriodResult | None:
        """The last complete period; the current one if none is complete yet."""
        complete = [r for r in self.trend if r.is_complete]
        return complete[-1] if complete else (self.trend[-1] if self.trend else None)

    @property
    def current(self) -> PeriodResult | None:
        return self.trend[-1] if self.trend and not self.trend[-1].is_complete else None

    @property
    def lower_is_better(self) -> bool:
        return lower_is_better(self.pledge.metric)

    @property
    def is_percent(self) -> bool:
        return self.pledge.metric not in (Metric.WAIT_MEAN, Metric.WAIT_P90, Metric.NPS)


class Standing(StrEnum):
    """Where a pledge stands on a figure. Met and missed are said only of a finished period; a
    figure of a period still running (a quarter or year part-way, the current month) is on
    track or behind so far. The transparency page and the monthly report count by this."""

    MET = "met"
    ON_TRACK = "on_track"
    MISSED = "missed"
    BEHIND = "behind"
    NO_DATA = "no_data"


def standing(result) -> Standing:
    """`result`: anything with `met` (None without data) and `is_complete`, or None."""
    if result is None or result.met is None:
        return Standing.NO_DATA
    if result.met:
        return Standing.MET if result.is_complete else Standing.ON_TRACK
    return Standing.MISSED if result.is_complete else Standing.BEHIND


def _trend_cutoff(period: str, today: date) -> date:
    """The first period start shown in a trend of TREND_PERIODS periods."""
    start = period_start(today, period)
    for _step in range(TREND_PERIODS - 1):
        start = period_start(start - timedelta(days=1), period)
    return start


def summaries(pledges: list[Pledge]) -> list[PledgeSummary]:
    """Trend and site comparison of each pledge, in two queries whatever the number of pledges."""
    by_id = {p.pk: PledgeSummary(pledge=p) for p in pledges}
    if not by_id:
        return []
    today = now().date()
    recent = Q()
    for period in {p.period for p in pledges}:
        recent |= Q(pledge__period=period, period_start__gte=_trend_cutoff(period, today))
    for row in PeriodResult.objects.filter(recent, pledge_id__in=by_id, site__isnull=True).order_by(
        "pledge_id", "period_start"
    ):
        by_id[row.pledge_id].trend.append(row)
    wanted = {(s.pledge.pk, s.latest.period_start) for s in by_id.values() if s.latest}
    if wanted:
        site_rows = defaultdict(list)
        for row in (
            PeriodResult.objects.filter(
                pledge_id__in=by_id,
                site__isnull=False,
                period_start__in={start for _pk, start in wanted},
            )
            .select_related("site")
            .order_by("site__name")
        ):
            if (row.pledge_id, row.period_start) in wanted:
                site_rows[row.pledge_id].append(row)
        for summary in by_id.values():
            summary.sites = site_rows.get(summary.pledge.pk, [])
    return list(by_id.values())


@dataclass
class Benchmark:
    metric: str
    label: str
    rows: list[tuple[Pledge, PeriodResult]]
    key: tuple = ()

    @property
    def lower_is_better(self) -> bool:
        return lower_is_better(self.metric)

    @property
    def is_percent(self) -> bool:
        return self.metric not in (Metric.WAIT_MEAN, Metric.WAIT_P90, Metric.NPS)


def comparable_definition(pledge: Pledge) -> tuple | None:
    """Pledges of different agencies measure the same thing when this agrees (targets may
    differ); None for a pledge scoped to one site, service or category, which has no peer."""
    if pledge.site_id or pledge.service_id or pledge.category_id:
        return None
    return (
        pledge.metric,
        pledge.threshold,
        pledge.unit,
        pledge.case_kind,
        pledge.channel,
        pledge.clock_start,
        tuple(sorted(pledge.exclusions or ())),
        pledge.period,
    )


def _benchmark_label(pledge: Pledge) -> str:
    from civicdesk.pledges.models import Unit
    from civicdesk.pledges.sentences import cases_word

    label = str(dict(Metric.choices)[pledge.metric])
    details = []
    if pledge.threshold and pledge.unit == Unit.MINUTES:
        details.append(
            ngettext("within %(n)s minute", "within %(n)s minutes", pledge.threshold)
            % {"n": pledge.threshold}
        )
    elif pledge.threshold and pledge.unit == Unit.WORKING_DAYS:
        details.append(
            ngettext("within %(n)s working day", "within %(n)s working days", pledge.threshold)
            % {"n": pledge.threshold}
        )
    if pledge.case_kind:
        details.append(cases_word(pledge))
    if not details:
        return label
    return _("%(measure)s (%(details)s)") % {"measure": label, "details": ", ".join(details)}


def benchmarks(items: list[PledgeSummary]) -> list[Benchmark]:
    """The same measure, defined the same way, across agencies, on each one's latest period."""
    grouped: dict[tuple, list] = defaultdict(list)
    for item in items:
        key = comparable_definition(item.pledge)
        if item.latest is not None and key is not None:
            grouped[key].append((item.pledge, item.latest))
    result = []
    for key, rows in grouped.items():
        if len({p.agency_id for p, _r in rows}) < 2:
            continue
        metric = key[0]
        worse_last = lower_is_better(metric)
        rows.sort(
            key=lambda pr: (pr[1].value is None, (pr[1].value or 0) * (1 if worse_last else -1))
        )
        result.append(
            Benchmark(metric=metric, label=_benchmark_label(rows[0][0]), rows=rows, key=key)
        )
    return result


# --- staff ------------------------------------------------------------------------------------
def pledges_for_staff(user) -> QuerySet[Pledge]:
    return scope_queryset(
        user, Area.PLEDGES, Access.READ, Pledge.objects.all(), agency_field="agency_id"
    ).select_related("agency", "site", "service", "category", "owner")


def alerts_for_staff(user) -> QuerySet[PledgeAlert]:
    return scope_queryset(
        user,
        Area.PLEDGES,
        Access.READ,
        PledgeAlert.objects.all(),
        agency_field="pledge__agency_id",
    ).select_related("pledge__agency", "pledge__site", "pledge__service", "pledge__category")
