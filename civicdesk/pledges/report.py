"""The monthly report for an agency's management committee, as HTML and PDF (WeasyPrint)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, F, Q
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from civicdesk.core.clock import now
from civicdesk.core.zones import local_today
from civicdesk.pledges.charts import trend_svg
from civicdesk.pledges.metrics import SPECS, Kind, figure, is_met, lower_is_better
from civicdesk.pledges.models import DailyFigure, Pledge
from civicdesk.pledges.periods import (
    axis_labels,
    parse_month,
    period_end,
    period_name,
    period_start,
)
from civicdesk.pledges.selectors import Standing, standing
from civicdesk.pledges.sentences import report_summary

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

TREND_MONTHS = 6


@dataclass
class MonthFigure:
    label: str  # as people read it: "November 2026"
    value: float | None
    count: int
    met: bool | None
    is_complete: bool = True


def month_or_last(text: str | None, agency) -> date:
    """'2026-10' -> 1 Oct 2026; empty -> the last complete month in the agency's time zone."""
    if text:
        return parse_month(text)
    today = local_today(agency)
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _months_back(month: date, n: int) -> list[date]:
    months = [month]
    while len(months) < n:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def _sum(rows) -> dict:
    total = {"count": 0, "hits": 0, "aux": 0, "total": 0.0, "histogram": defaultdict(int)}
    for r in rows:
        total["count"] += r.count
        total["hits"] += r.hits
        total["aux"] += r.aux
        total["total"] += r.total
        for minute, n in (r.histogram or {}).items():
            total["histogram"][minute] += n
    return total


def _figure(pledge, rows) -> tuple[float | None, int]:
    s = _sum(rows)
    return figure(pledge.metric, **s), s["count"]


def build_monthly(agency, month: date) -> dict:
    last = period_end(month, "month")
    # A month not over yet is reported so far: a pledge behind its target may still be met.
    month_over = last < local_today(agency)
    months = _months_back(month, TREND_MONTHS)
    pledges = list(
        Pledge.objects.filter(agency=agency, is_active=True).select_related(
            "site", "service", "category"
        )
    )
    daily = defaultdict(list)
    for row in DailyFigure.objects.filter(
        pledge__in=pledges, day__gte=months[0], day__lte=last
    ).select_related("site"):
        daily[row.pledge_id].append(row)
    lines, site_gaps = [], []
    for pledge in pledges:
        rows = daily[pledge.pk]
        trend = []
        for m in months:
            end = period_end(m, "month")
            value, count = _figure(pledge, [r for r in rows if m <= r.day <= end])
            trend.append(
                MonthFigure(
                    label=period_name(m, "month"),
                    value=value,
                    count=count,
                    met=is_met(pledge.metric, value, float(pledge.target)),
                )
            )
        this, window = trend[-1], month
        this.is_complete = month_over
        if pledge.period in ("quarter", "year"):
            # Judged over its own period, as published: the quarter (year) so far, not one month.
            window = period_start(month, pledge.period)
            value, count = _figure(pledge, [r for r in rows if window <= r.day <= last])
            complete = month_over and last >= period_end(window, pledge.period)
            label = period_name(window, pledge.period)
            this = MonthFigure(
                label=label if complete else _("%(period)s so far") % {"period": label},
                value=value,
                count=count,
                met=is_met(pledge.metric, value, float(pledge.target)),
                is_complete=complete,
            )
        units = {
            "percent": SPECS[pledge.metric].kind == Kind.SHARE,
            "minutes": lower_is_better(pledge.metric),
        }
        by_site = defaultdict(list)
        for r in rows:
            if window <= r.day <= last and r.site_id:
                by_site[r.site].append(r)
        for site, site_rows in by_site.items():
            value, count = _figure(pledge, site_rows)
            if value is None or is_met(pledge.metric, value, float(pledge.target)):
                continue
            gap = abs(value - float(pledge.target))
            site_gaps.append({"site": site, "pledge": pledge, "value": value, "count": count,
                              "gap": round(gap, 1), **units})  # fmt: skip
        lines.append(
            {
                "pledge": pledge,
                "this": this,
                "trend": trend,
                **units,
                "chart": trend_svg(
                    results=trend,
                    target=float(pledge.target),
                    chart_id=f"r{pledge.pk}",
                    title=pledge.sentence,
                    lower_is_better=lower_is_better(pledge.metric),
                    labels=axis_labels(months, "month"),
                ),
            }
        )
    site_gaps.sort(key=lambda g: -g["gap"])
    label = period_name(month, "month")
    # Met and missed only over a finished period: in a month not over, and for a quarterly
    # or yearly pledge in a month that ends no quarter (year), on track or behind so far.
    # The transparency page counts the same way (selectors.standing).
    by_standing = _by_standing(lines)
    return {
        "agency": agency,
        "month": month,
        "label": label,
        "lines": lines,
        "month_over": month_over,
        **by_standing,
        "summary": report_summary(
            month=label, total=len(lines), by_standing=by_standing, month_over=month_over
        ),
        "worst_sites": site_gaps[:8],
        **_worst_categories(agency, month, last),
        "survey": _survey(agency, month, last),
        "generated_at": now(),
    }


def _by_standing(lines) -> dict[str, list]:
    grouped: dict[str, list] = {str(s): [] for s in Standing}
    for line in lines:
        grouped[str(standing(line["this"]))].append(line)
    return grouped


def _bounds(agency, first: date, last: date):
    tz = ZoneInfo(agency.timezone)
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def _worst_categories(agency, first: date, last: date) -> dict:
    """The five categories with the lowest share of cases replied within their standard
    (received this month), of those below 100 %: a category that answered every case in time
    did not fall short. `categories_measured`: how many categories had a reply due at all."""
    from civicdesk.cases.models import Case, Category

    lo, hi = _bounds(agency, first, last)
    moment = now()
    rows = []
    qs = (
        Case.objects.filter(
            agency=agency,
            received_at__gte=lo,
            received_at__lt=hi,
            merged_into__isnull=True,
            category__isnull=False,
            reply_due_at__isnull=False,
        )
        .exclude(replied_at__isnull=True, resolved_at__isnull=True, reply_due_at__gt=moment)
        .values("category_id")
        .annotate(
            n=Count("id"),
            on_time=Count(
                "id",
                filter=Q(replied_at__lte=F("reply_due_at"))
                | Q(replied_at__isnull=True, resolved_at__lte=F("reply_due_at")),
            ),
        )
    )
    qs = list(qs)
    categories = Category.objects.in_bulk([row["category_id"] for row in qs])
    language = get_language() or ""
    for row in qs:
        rows.append(
            {
                "name": categories[row["category_id"]].local_name(language),
                "count": row["n"],
                "share": round(100 * row["on_time"] / row["n"], 1) if row["n"] else None,
                "late": row["n"] - row["on_time"],
            }
        )
    short = [r for r in rows if r["late"] > 0]
    short.sort(key=lambda r: (r["share"], -r["count"]))
    return {"worst_categories": short[:5], "categories_measured": len(rows)}


def _survey(agency, first: date, last: date) -> dict:
    from civicdesk.surveys.models import Response

    lo, hi = _bounds(agency, first, last)
    values = Response.objects.filter(
        agency=agency, answered_at__gte=lo, answered_at__lt=hi
    ).aggregate(
        csat_n=Count("csat"),
        satisfied=Count("id", filter=Q(csat__gte=4)),
        nps_n=Count("nps"),
        promoters=Count("id", filter=Q(nps__gte=9)),
        detractors=Count("id", filter=Q(nps__lte=6)),
        ces_n=Count("ces"),
        ces_mean=Avg("ces"),
    )
    return {
        "csat_n": values["csat_n"],
        "csat": round(100 * values["satisfied"] / values["csat_n"], 1)
        if values["csat_n"]
        else None,
        "nps_n": values["nps_n"],
        "nps": round(100 * (values["promoters"] - values["detractors"]) / values["nps_n"], 1)
        if values["nps_n"]
        else None,
        "ces_n": values["ces_n"],
        "ces": round(values["ces_mean"], 2) if values["ces_mean"] is not None else None,
    }


def render_monthly_html(
    agency, month: date, *, request=None, agencies=(), month_error=None, month_typed=None
) -> str:
    """The report; on the staff page (`request` given) with a month chooser that is not printed
    (`month_error`: why the month typed, `month_typed`, was not shown)."""
    context = {
        **build_monthly(agency, month),
        "agencies": agencies,
        "month_error": month_error,
        "month_typed": month_typed,
    }
    return render_to_string("pledges/report_document.html", context, request=request)


def render_monthly_pdf(agency, month: date) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_monthly_html(agency, month), base_url=None).write_pdf()
