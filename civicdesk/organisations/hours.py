"""Weekly opening hours as stored: {"0": [["09:00", "12:30"], ["13:30", "17:00"]], ...}.

Keys are weekdays, 0 = Monday. A missing or empty weekday is closed. Intervals must not overlap
and must close after they open; "24:00" closes at midnight.
"""

import itertools
from datetime import time

WeeklyHours = dict[int, tuple[tuple[time, time], ...]]
MIDNIGHT_CLOSE = time(23, 59, 59, 999999)


def _parse_time(text: str) -> time:
    if text == "24:00":
        return MIDNIGHT_CLOSE
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"{text!r} is not a time like 09:00.") from exc


def parse_weekly_hours(raw) -> WeeklyHours:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise ValueError("Opening hours must map weekdays 0-6 to lists of [open, close].")
    weekly: WeeklyHours = {}
    for key, intervals in raw.items():
        try:
            weekday = int(key)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{key!r} is not a weekday number 0 (Monday) to 6.") from exc
        if not 0 <= weekday <= 6:
            raise ValueError(f"{key!r} is not a weekday number 0 (Monday) to 6.")
        if not isinstance(intervals, list):
            raise ValueError(f"Weekday {weekday}: give a list of [open, close] pairs.")
        parsed = []
        for pair in intervals:
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ValueError(f"Weekday {weekday}: {pair!r} is not an [open, close] pair.")
            opens, closes = _parse_time(pair[0]), _parse_time(pair[1])
            if closes <= opens:
                raise ValueError(f"Weekday {weekday}: {pair[0]}-{pair[1]} closes before it opens.")
            parsed.append((opens, closes))
        parsed.sort()
        for (_o1, c1), (o2, _c2) in itertools.pairwise(parsed):
            if o2 < c1:
                raise ValueError(f"Weekday {weekday}: intervals overlap.")
        if parsed:
            weekly[weekday] = tuple(parsed)
    return weekly


def format_weekly_hours(weekly: WeeklyHours) -> list[tuple[int, str]]:
    """[(weekday, "09:00–12:30, 13:30–17:00"), ...] for display."""

    def fmt(t: time) -> str:
        return "24:00" if t == MIDNIGHT_CLOSE else t.strftime("%H:%M")

    return [
        (day, ", ".join(f"{fmt(o)}–{fmt(c)}" for o, c in weekly[day])) for day in sorted(weekly)
    ]
