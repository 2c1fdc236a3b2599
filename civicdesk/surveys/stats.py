"""Scores with their uncertainty. scipy does the distributions; the formulas are the usual ones.

- CSAT %: share of 4s and 5s on the 1–5 scale, 95% Wilson interval.
- NPS: % promoters (9–10) minus % detractors (0–6), on -100..100; 95% normal interval from
  the variance of the per-person score (+100, 0, -100).
- CES: mean on 1–7 (higher = easier), 95% Student t interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None
    n: int

    @property
    def margin(self) -> float | None:
        if self.value is None or self.low is None:
            return None
        return max(self.value - self.low, self.high - self.value)


EMPTY = Estimate(None, None, None, 0)


def csat_estimate(satisfied: int, n: int) -> Estimate:
    if n <= 0:
        return EMPTY
    ci = stats.binomtest(satisfied, n).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return Estimate(100 * satisfied / n, 100 * ci.low, 100 * ci.high, n)


def nps_estimate(promoters: int, detractors: int, n: int) -> Estimate:
    if n <= 0:
        return EMPTY
    p, d = promoters / n, detractors / n
    value = 100 * (p - d)
    if n < 2:
        return Estimate(value, None, None, n)
    variance = (p + d - (p - d) ** 2) * 100**2  # of the per-person score
    se = math.sqrt(variance / n)
    z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    return Estimate(value, max(-100.0, value - z * se), min(100.0, value + z * se), n)


def mean_estimate(total: float, total_squares: float, n: int) -> Estimate:
    """Mean and t interval from sums, so the database can do the adding up."""
    if n <= 0:
        return EMPTY
    mean = total / n
    if n < 2:
        return Estimate(mean, None, None, n)
    variance = max((total_squares - n * mean * mean) / (n - 1), 0.0)
    se = math.sqrt(variance / n)
    if se == 0:
        return Estimate(mean, mean, mean, n)
    low, high = stats.t.interval(CONFIDENCE, n - 1, loc=mean, scale=se)
    return Estimate(mean, float(low), float(high), n)


def per_person(metric: str, value: int) -> float:
    """The per-respondent value whose mean is the headline score (used by the evaluation)."""
    if metric == "csat":
        return 100.0 if value >= 4 else 0.0
    if metric == "nps":
        return 100.0 if value >= 9 else (-100.0 if value <= 6 else 0.0)
    return float(value)
