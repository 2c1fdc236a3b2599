"""Synthetic arrival series for tests and the benchmark: a year of a counter hall or a hotline
with weekly and yearly seasonality, trend, public holidays and day-to-day noise."""

from __future__ import annotations

import math
from datetime import date, timedelta

import holidays
import numpy as np


def simulated_year(
    *,
    days: int = 364,
    first_day: date = date(2025, 1, 6),
    step_minutes: int = 15,
    daily_volume: float = 400.0,
    yearly_amplitude: float = 0.2,
    trend_per_year: float = 0.1,
    day_noise_cv: float = 0.08,
    country: str = "HK",
    saturday: bool = True,
    seed: int = 1,
    with_expected: bool = False,
):
    """A days × slots matrix of arrival counts (NaN where closed) and its first day (and, with
    `with_expected`, the matrix of expected values the counts were drawn around).

    Open 08:30–17:30 on weekdays (and 09:00–12:30 on Saturdays), closed on public holidays.
    Weekly pattern: Monday busiest; intraday: a morning and a smaller afternoon peak.
    Counts are Poisson around the expected value, with a gamma-distributed factor per day
    (weather, news: the day-to-day swings real services see).
    """
    rng = np.random.default_rng(seed)
    slots = 1440 // step_minutes
    calendar = holidays.country_holidays(country) if country else {}
    weekday_factor = [1.3, 1.1, 1.0, 1.0, 1.15, 0.55, 0.0]
    matrix = np.full((days, slots), np.nan)
    expected = np.full((days, slots), np.nan)
    for d in range(days):
        day = first_day + timedelta(days=d)
        w = day.weekday()
        if weekday_factor[w] == 0 or day in calendar:
            continue
        if w == 5 and not saturday:
            continue
        opens, closes = (8.5, 17.5) if w < 5 else (9.0, 12.5)
        hours = np.array([(s * step_minutes + step_minutes / 2) / 60 for s in range(slots)])
        is_open = (hours >= opens) & (hours < closes)
        shape = (
            0.4 + np.exp(-((hours - 10.5) ** 2) / 1.5) + 0.7 * np.exp(-((hours - 14.5) ** 2) / 2.0)
        ) * is_open
        shape = shape / shape.sum()
        seasonal = 1 + yearly_amplitude * math.sin(2 * math.pi * (d / 365.25 + 0.1))
        trend = 1 + trend_per_year * d / 365.25
        day_noise = rng.gamma(1 / day_noise_cv**2, day_noise_cv**2) if day_noise_cv > 0 else 1
        # After a holiday the backlog arrives: the next open day is busier.
        after_holiday = 1.25 if (day - timedelta(days=1)) in calendar else 1.0
        mean = daily_volume * weekday_factor[w] * seasonal * trend * day_noise * after_holiday
        counts = rng.poisson(mean * shape).astype(float)
        matrix[d] = np.where(is_open, counts, np.nan)
        expected[d] = np.where(is_open, mean * shape, np.nan)
    if with_expected:
        return matrix, first_day, expected
    return matrix, first_day
