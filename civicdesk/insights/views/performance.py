"""Staff and team performance page (issue 9, item 4): filters, tables, a chart, CSV.

Thin: the figures come from `civicdesk.insights.performance`; every view and download of them
is audited there. Who sees what: Area.PERFORMANCE in organisations/permissions.py.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.core.dates import InRangeDateField
from civicdesk.core.errors import ValidationFailed
from civicdesk.core.spreadsheets import csv_response, formula_safe
from civicdesk.core.zones import local_today
from civicdesk.insights import performance as perf
from civicdesk.organisations.models import Site
from civicdesk.organisations.permissions import Access, Area, Scope, require
from civicdesk.pledges.charts import trend_svg
from civicdesk.queues.models import Service

PERIODS = [
    ("week", gettext_lazy("A week")),
    ("month", gettext_lazy("A month")),
    ("custom", gettext_lazy("Dates I choose")),
]
TABLES = ("officers", "teams", "services", "periods")
# Below this many visits served, a mean, a percentile or an index moves a lot by chance.
FEW_VISITS = 20


class PerformanceFilterForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"), queryset=None, required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIODS, required=False)
    on = InRangeDateField(
        label=gettext_lazy("Week or month of"),
        required=False,
        help_text=gettext_lazy("Any day in it. The week starts on Monday."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_from = InRangeDateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = InRangeDateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    site = forms.ModelChoiceField(
        label=gettext_lazy("Site"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All sites"),
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All services"),
    )
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All teams"),
    )
    officer = forms.ModelChoiceField(
        label=gettext_lazy("Officer"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All officers"),
    )

    def __init__(self, data, *, user, agency, initial=None):
        super().__init__(data, initial=initial)
        self.fields["agency"].queryset = perf.agencies_for(user)
        self.fields["agency"].empty_label = None
        self.fields["site"].queryset = Site.objects.filter(agency=agency).order_by("name")
        self.fields["service"].queryset = (
            Service.objects.filter(site__agency=agency)
            .select_related("site")
            .order_by("site__name", "position", "prefix")
        )
        self.fields["service"].label_from_instance = lambda s: (
            f"{s.local_name()} ({s.site.local_name()})"
        )
        self.fields["site"].label_from_instance = lambda s: s.local_name()
        self.fields["team"].queryset = perf.teams_for(user, agency)
        self.fields["team"].label_from_instance = lambda d: d.local_name()
        self.fields["agency"].label_from_instance = lambda a: a.display_name
        self.fields["officer"].queryset = perf.visible_officers(user, agency).order_by(
            "display_name"
        )
        self.fields["officer"].label_from_instance = lambda o: o.display_name

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to"):
            if data["date_from"] > data["date_to"]:
                self.add_error("date_to", _("The end date must be on or after the start date."))
            elif (data["date_to"] - data["date_from"]).days + 1 > perf.MAX_DAYS:
                self.add_error(
                    "date_to", _("Choose at most %(days)d days.") % {"days": perf.MAX_DAYS}
                )
        return data


def _agency_for(request: HttpRequest):
    agencies = perf.agencies_for(request.user)
    chosen = request.GET.get("agency", "")
    if chosen.isdigit():
        agency = agencies.filter(pk=int(chosen)).first()
        if agency is not None:
            return agency
    return agencies.first()


def default_range(today: date) -> tuple[date, date]:
    """The four full weeks (Monday to Sunday) before this one."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=28), monday - timedelta(days=1)


def _dates(data: dict, today: date) -> tuple[date, date, str]:
    period = data.get("period") or "custom"
    if period == "custom":
        default_from, default_to = default_range(today)
        return data.get("date_from") or default_from, data.get("date_to") or default_to, period
    on = data.get("on") or today - timedelta(days=1)
    if period == "week":
        start = on - timedelta(days=on.weekday())
        return start, start + timedelta(days=6), period
    start = on.replace(day=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start, end, period


@dataclass(frozen=True)
class Column:
    key: str
    header: str


def _columns(table: str) -> list[Column]:
    columns = [
        Column("served", _("Visits served")),
        Column("hours", _("Hours at a counter")),
        Column("per_hour", _("Served per hour")),
        Column("mean", _("Mean service (min)")),
        Column("p90", _("90th percentile (min)")),
        Column("expected", _("Expected mean for the mix (min)")),
        Column("index", _("Case-mix index")),
        Column("hold", _("Hold rate")),
        Column("transfer", _("Transfer rate")),
        Column("no_show", _("No-shows")),
        Column("csat", _("CSAT: satisfied (answers)")),
        Column("cases", _("Cases resolved (replied in time)")),
    ]
    if table == "services":
        columns = [c for c in columns if c.key not in ("hours", "per_hour", "cases")]
    if table == "periods":  # survey answers and cases are counted per officer, not per day
        columns = [c for c in columns if c.key not in ("csat", "cases")]
    return columns


def _fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "–" if value is None else f"{value:.{digits}f}{suffix}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _cell(row: perf.Figures, key: str) -> str:
    if key == "served":
        return str(row.served)
    if key == "hours":
        return _fmt(row.hours)
    if key == "per_hour":
        return _fmt(row.per_hour, 2)
    if key == "mean":
        return _fmt(row.mean_minutes)
    if key == "p90":
        return _fmt(row.p90_minutes)
    if key == "expected":
        return _fmt(row.expected_mean_minutes)
    if key == "index":
        return _fmt(row.case_mix_index, 2)
    if key == "hold":
        return _pct(row.hold_rate)
    if key == "transfer":
        return _pct(row.transfer_rate)
    if key == "no_show":
        return f"{row.no_shows} ({_pct(row.no_show_rate)})" if row.visits else "–"
    if key == "csat":
        if not row.csat_answers:
            return "–"
        return f"{row.csat_percent:.0f}% ({row.csat_answers})"
    if key == "cases":
        if not row.cases_resolved:
            return "0"
        return f"{row.cases_resolved} ({_pct(row.cases_within_rate)})"
    raise KeyError(key)


def _table(rows: list[perf.Figures], table: str) -> dict:
    columns = _columns(table)
    return {
        "name": table,
        "columns": columns,
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "few": 0 < row.served < FEW_VISITS,
                "cells": [(c.key, _cell(row, c.key)) for c in columns],
            }
            for row in rows
        ],
    }


@dataclass(frozen=True)
class _Bar:
    label: str
    value: float | None
    met: bool


def _short_label(day: date, bucket: str) -> str:
    # pledges' trend chart shortens labels longer than four characters; keep them short. A
    # week is its Monday's day of the month (the caption says so; the table gives the dates),
    # not the ISO week number nobody reads.
    if bucket == "week":
        return f"{day.day}"
    if bucket == "month":
        return f"{day:%m}"
    return f"{day.day}"


def _chart(report: perf.Report):
    bars = [
        _Bar(
            label=_short_label(row.key, report.bucket),
            value=round(row.case_mix_index, 3) if row.case_mix_index is not None else None,
            met=row.case_mix_index is not None and row.case_mix_index <= 1.0,
        )
        for row in report.periods
    ]
    return trend_svg(
        results=bars,
        target=1.0,
        chart_id="case-mix-chart",
        title=_("Case-mix index by %(bucket)s: observed ÷ expected service time")
        % {"bucket": _bucket_name(report.bucket)},
        lower_is_better=True,
    )


def _bucket_name(bucket: str) -> str:
    return {"day": _("day"), "week": _("week"), "month": _("month")}[bucket]


@login_required
def performance(request: HttpRequest) -> HttpResponse:
    require(request.user, Area.PERFORMANCE, Access.READ)
    agency = _agency_for(request)
    # The figures are the agency's, so its wall calendar says which weeks are "before this
    # one". A system admin who has not chosen sees the first agency (so its today); with no
    # agency at all, the deployment's own zone (TIME_ZONE), never UTC, nobody's wall clock.
    today = local_today(agency)
    default_from, default_to = default_range(today)
    form = PerformanceFilterForm(
        request.GET or None,
        user=request.user,
        agency=agency,
        initial={
            "period": "custom",
            "date_from": default_from.isoformat(),  # as <input type="date"> wants it
            "date_to": default_to.isoformat(),
        },
    )
    context = {"form": form, "agency": agency, "report": None}
    if agency is None:
        return render(request, "insights/performance.html", context)
    if request.GET and not form.is_valid():
        return render(request, "insights/performance.html", context, status=422)
    data = form.cleaned_data if request.GET else {}
    date_from, date_to, period = _dates(data, today)
    try:
        query = perf.PerformanceQuery(
            agency=agency,
            date_from=date_from,
            date_to=date_to,
            site_id=data["site"].pk if data.get("site") else None,
            service_id=data["service"].pk if data.get("service") else None,
            team_id=data["team"].pk if data.get("team") else None,
            officer_id=data["officer"].pk if data.get("officer") else None,
        )
    except ValidationFailed as error:
        form.add_error(None, error.message)
        return render(request, "insights/performance.html", context, status=422)
    report = perf.performance_report(user=request.user, query=query)
    download = request.GET.get("download", "")
    if download in TABLES:
        perf.performance_view_record(actor=request.user, report=report, export=download)
        return _csv(report, download)
    perf.performance_view_record(actor=request.user, report=report)
    query_string = request.GET.copy()
    query_string.pop("download", None)
    context.update(
        {
            "report": report,
            "period": period,
            "date_from": date_from,
            "date_to": date_to,
            "own_only": report.scope is Scope.OWN,
            "officer_table": _table(report.officers, "officers"),
            "team_table": _table(report.teams, "teams"),
            "service_table": _table(report.services, "services"),
            "period_table": _table(report.periods, "periods"),
            "total": _table([report.total], "officers")["rows"][0],
            "total_columns": _columns("officers"),
            "chart": _chart(report),
            "bucket_name": _bucket_name(report.bucket),
            "few_visits": FEW_VISITS,
            "query": query_string.urlencode(),
            "scope_text": {
                Scope.OWN: _("your own figures"),
                Scope.UNIT: _("the officers of your teams and sites"),
                Scope.AGENCY: _("every officer of your agency"),
                Scope.ALL: _("every officer of the chosen agency"),
            }[report.scope],
        }
    )
    return render(request, "insights/performance.html", context)


def _csv(report: perf.Report, table: str) -> HttpResponse:
    rows = {
        "officers": report.officers,
        "teams": report.teams,
        "services": report.services,
        "periods": report.periods,
    }[table]
    q = report.query
    filename = f"performance-{table}-{q.agency.code}-{q.date_from}-{q.date_to}.csv"
    response = csv_response(filename, for_excel=True)  # officers' names in Chinese
    writer = csv.writer(response)
    # Survey answers and cases are counted per officer, not per day: no such columns by period.
    width = 15 if table == "periods" else 21
    header = (
        [
            table[:-1], "visits_called", "visits_served", "hours_at_counter", "served_per_hour",
            "mean_service_minutes", "p90_service_minutes", "expected_mean_minutes",
            "case_mix_index", "held", "hold_rate", "transferred", "transfer_rate", "no_shows",
            "no_show_rate", "csat_answers", "csat_satisfied_percent", "csat_mean",
            "cases_resolved", "cases_with_reply_standard", "cases_replied_in_time",
        ]
    )  # fmt: skip
    writer.writerow(header[:width])

    def num(value, digits):
        return "" if value is None else round(value, digits)

    for row in rows:
        # A week is the date of its Monday, as days are: a spreadsheet sorts and reads it.
        label = row.key.isoformat() if table == "periods" and report.bucket == "week" else row.label
        values = [
            formula_safe(label),
            row.visits,
            row.served,
            num(row.hours, 2),
            num(row.per_hour, 3),
            num(row.mean_minutes, 2),
            num(row.p90_minutes, 2),
            num(row.expected_mean_minutes, 2),
            num(row.case_mix_index, 3),
            row.held,
            num(row.hold_rate, 4),
            row.transferred,
            num(row.transfer_rate, 4),
            row.no_shows,
            num(row.no_show_rate, 4),
            row.csat_answers,
            num(row.csat_percent, 1),
            num(row.csat_mean, 2),
            row.cases_resolved,
            row.cases_with_standard,
            row.cases_within,
        ]
        writer.writerow(values[:width])
    return response
