"""Calendar periods: month, quarter, year; their first and last days and labels."""

from __future__ import annotations

from datetime import date, timedelta


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
    if period == "year":
        return f"{start.year}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


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
