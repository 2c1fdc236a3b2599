"""Reading an arrival series (CSV `timestamp,count`) into the day × slot matrix forecasts use.

The interval is detected as the most common gap between consecutive timestamps; it must divide a
day. Timestamps are taken as local wall-clock time (an offset, if any, is dropped after reading:
opening hours are wall-clock). Missing intervals are closed (NaN); a day with no rows at all is
a closed day.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections import Counter
from datetime import date, datetime, timedelta

import numpy as np


class SeriesError(ValueError):
    """A series that cannot be read; the message says what to fix."""


TIMESTAMP_NAMES = ("timestamp", "time", "datetime", "date", "interval", "start", "ds")
COUNT_NAMES = ("count", "arrivals", "calls", "volume", "value", "y", "n")


def _parse_time(text: str) -> datetime:
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        for fmt in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M:%S"):
            try:
                value = datetime.strptime(text, fmt)  # noqa: DTZ007 - wall-clock on purpose
                break
            except ValueError:
                continue
        else:
            raise SeriesError(f"{text!r} is not a timestamp (use ISO 8601, e.g. 2026-03-02T09:15).")
    return value.replace(tzinfo=None)


def read_series_bytes(data: bytes) -> tuple[list[datetime], list[float]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SeriesError(
            f"The file is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV."
        ) from exc
    if "\x00" in text:
        raise SeriesError(
            "The file contains NUL bytes; is it UTF-16 or a spreadsheet? Save as CSV."
        )
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise SeriesError("The file is empty.")
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    header = [cell.strip().lower() for cell in rows[0]]
    time_col, count_col = 0, 1
    if any(name in header for name in TIMESTAMP_NAMES) or any(n in header for n in COUNT_NAMES):
        time_col = next((i for i, h in enumerate(header) if h in TIMESTAMP_NAMES), -1)
        count_col = next((i for i, h in enumerate(header) if h in COUNT_NAMES), -1)
        if time_col < 0 or count_col < 0:
            raise SeriesError(
                f"Expected columns timestamp,count; found {', '.join(header) or 'none'}."
            )
        rows = rows[1:]
    elif len(header) < 2:
        raise SeriesError("Expected two columns, timestamp,count.")
    else:
        try:
            _parse_time(rows[0][0])
        except SeriesError as exc:
            raise SeriesError(
                f"Expected columns timestamp,count; found {', '.join(header)}."
            ) from exc
    times, counts = [], []
    for number, row in enumerate(rows, start=2 if time_col != 0 or count_col != 1 else 1):
        if len(row) <= max(time_col, count_col):
            raise SeriesError(f"Line {number}: expected timestamp,count; got {row!r}.")
        raw = row[count_col].strip()
        if raw == "":
            continue  # an empty count is a closed interval
        try:
            value = float(raw)
        except ValueError as exc:
            raise SeriesError(f"Line {number}: count {raw!r} is not a number.") from exc
        if not math.isfinite(value) or value < 0:
            raise SeriesError(f"Line {number}: count {raw!r} must be zero or more.")
        times.append(_parse_time(row[time_col]))
        counts.append(value)
    if len(times) < 2:
        raise SeriesError("The series has fewer than two rows.")
    return times, counts


def detect_interval(times: list[datetime]) -> int:
    ordered = sorted(times)
    gaps = Counter(int((b - a).total_seconds() // 60) for a, b in itertools.pairwise(ordered))
    gaps.pop(0, None)
    if not gaps:
        raise SeriesError("All timestamps are the same; no interval can be detected.")
    step = gaps.most_common(1)[0][0]
    if step <= 0 or 1440 % step:
        raise SeriesError(f"The detected interval of {step} minutes does not divide a day.")
    return step


def to_matrix(times: list[datetime], counts: list[float]) -> tuple[np.ndarray, date, int]:
    """(days × slots matrix, first day, interval minutes). Duplicate timestamps are summed."""
    step = detect_interval(times)
    first_day = min(times).date()
    last_day = max(times).date()
    days = (last_day - first_day).days + 1
    slots = 1440 // step
    matrix = np.full((days, slots), np.nan)
    misaligned = 0
    for at, value in zip(times, counts, strict=True):
        minutes = at.hour * 60 + at.minute
        if minutes % step or at.second:
            misaligned += 1
        d, s = (at.date() - first_day).days, minutes // step
        matrix[d, s] = value if np.isnan(matrix[d, s]) else matrix[d, s] + value
    if misaligned > len(times) // 10:
        raise SeriesError(
            f"{misaligned} timestamps are not on the {step}-minute grid; the series must be regular."
        )
    return matrix, first_day, step


def matrix_days(first_day: date, count: int) -> list[date]:
    return [first_day + timedelta(days=i) for i in range(count)]
