"""Calendar periods: month, quarter, year; their first and last days and labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def period_start(day: date, period: str) -> date:
    if period == "year":
        return date(day.year, 1, 1)
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, day.month, 1)


def period_end(start: date, period: str) -> date:
    months = {"year": 12, "quarter": 3}.get(period, 1)
    month = start.month - 1 + months
    following = date(start.year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_label(start: date, period: str) -> str:
    """The period's code, for machines: "2026-11", "2026-Q4", "2026" (open data, the API, URLs)."""
    if period == "year":
        return f"{start.year}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _quarter(start: date) -> int:
    return (start.month - 1) // 3 + 1


def period_name(start: date, period: str) -> str:
    """The period as people read it in the active language: "November 2026" (2026年11月),
    "Q4 2026" (2026年第四季), "2026"."""
    if period == "year":
        return f"{start.year}"
    if period == "quarter":
        names = {
            1: _("Q1 %(year)s"),
            2: _("Q2 %(year)s"),
            3: _("Q3 %(year)s"),
            4: _("Q4 %(year)s"),
        }
        return names[_quarter(start)] % {"year": start.year}
    return date_format(start, "YEAR_MONTH_FORMAT")


@dataclass(frozen=True)
class AxisLabel:
    """A period under a chart's bar: short ("Nov", "11月", "Q4"), with its year where one is
    shown (`year`, " 2027" after the period or "2027年" before it) so that a phone can drop it."""

    short: str
    year: str = ""
    year_first: bool = False

    def __str__(self) -> str:
        return self.year + self.short if self.year_first else self.short + self.year


def axis_labels(starts: list[date], period: str) -> list[AxisLabel]:
    """Short labels for a chart's periods: the year only at the first and at each new year."""
    labels = []
    for i, start in enumerate(starts):
        if period == "year":
            labels.append(AxisLabel(f"{start.year}"))
            continue
        if period == "quarter":
            short = {1: _("Q1"), 2: _("Q2"), 3: _("Q3"), 4: _("Q4")}[_quarter(start)]
        else:
            short = date_format(start, "M")
        if i and start.month != 1:
            labels.append(AxisLabel(short))
            continue
        full = period_name(start, period) if period == "quarter" else date_format(start, "M Y")
        if full.startswith(short):
            labels.append(AxisLabel(short, full[len(short) :]))
        elif full.endswith(short):
            labels.append(AxisLabel(short, full[: -len(short)], year_first=True))
        else:
            labels.append(AxisLabel(full))
    return labels


# Months a report can be asked for: far enough from date.min/max that a trend of months before
# it, and the last day of the month, are still dates.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def parse_month(text: str) -> date:
    """'2026-10' -> date(2026, 10, 1); ValueError on anything else."""
    year, month = (int(part) for part in text.split("-"))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} is out of range")
    return date(year, month, 1)


def periods_between(first: date, last: date, period: str) -> list[date]:
    starts = []
    start = period_start(first, period)
    while start <= last:
        starts.append(start)
        start = period_end(start, period) + timedelta(days=1)
    return starts
