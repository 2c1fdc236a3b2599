"""Arrival forecasts per interval: daily volume × intraday profile, and their backtest.

The history is a day × slot matrix (a slot is one interval of the day, e.g. 96 slots of 15
minutes) with NaN where the service was closed (public holidays, closures, outside opening
hours). A day whose slots are all NaN is a closed day: it is left out of training, and a closed
day ahead is forecast 0.

The forecast of one slot of a day is  volume(day) × share(weekday, slot):

- volume(day): the mean of two estimates of the day's total, each robust in its own way:
  (a) level × weekday factor, where the level is a damped-trend exponential smoothing (Holt,
      damping φ) of the totals divided by their weekday factor, over open days only; the weekday
      factors are each weekday's share of its week, weighted towards recent weeks;
  (b) an exponentially weighted mean of the same weekday's totals over recent weeks, rescaled by
      how the last two weeks compare with the weeks that mean covers.
- share(weekday, slot): the share of the day's volume that falls in the slot, pooled over recent
  same-weekday days (ratio of weighted sums, so busy days count more), shrunk towards the profile
  of all weekdays and smoothed lightly across neighbouring slots where counts are low.

Short history falls back to what exists (fewer weeks, then the mean of all open days); an
all-zero history forecasts zero. See docs/insights.md for the reasoning and the measurements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np


@dataclass(frozen=True)
class Params:
    level_alpha: float = 0.25  # smoothing of the deseasonalised daily level
    trend_beta: float = 0.03  # smoothing of the trend
    damping: float = 0.85  # trend damping per open day ahead
    weekday_decay: float = 0.8  # weight of a week relative to the week after it (volumes)
    weekday_weeks: int = 8  # same-weekday days used for the volume mean
    factor_weeks: int = 16  # weeks used for the weekday factors
    profile_decay: float = 0.97  # week-on-week weight of the intraday profile
    profile_weeks: int = 26
    profile_shrink: float = 6.0  # pseudo-days of the all-weekday profile mixed into each weekday
    smooth_below: float = 8.0  # smooth the profile when a slot sees fewer arrivals per day


DEFAULT = Params()


def _open_days(history: np.ndarray) -> np.ndarray:
    return ~np.all(np.isnan(history), axis=1)


def _weekday_factors(totals, is_open, weekdays, params: Params) -> np.ndarray:
    """Each weekday's volume relative to the mean open day, from recent weeks."""
    n = len(totals)
    factors = np.ones(7)
    start = max(0, n - 7 * params.factor_weeks)
    ratios: dict[int, list[tuple[float, float]]] = {w: [] for w in range(7)}
    for d in range(start, n):
        if not is_open[d]:
            continue
        # The day's total against the mean open day of the 7-day window centred on it
        # (trailing at the end of the history), so trend and yearly swings cancel out.
        lo, hi = max(0, d - 3), min(n, d + 4)
        if hi - lo < 7:
            lo, hi = max(0, hi - 7), hi
        window = [totals[i] for i in range(lo, hi) if is_open[i]]
        base = float(np.mean(window)) if window else 0.0
        if base > 0:
            age_weeks = (n - 1 - d) / 7
            ratios[weekdays[d]].append((totals[d] / base, params.weekday_decay**age_weeks))
    seen = []
    for w in range(7):
        if ratios[w]:
            values, weights = zip(*ratios[w], strict=True)
            factors[w] = float(np.average(values, weights=weights))
            seen.append(w)
    if seen:
        mean = float(np.mean(factors[seen]))
        if mean > 0:
            factors = factors / mean
    return np.maximum(factors, 1e-6)


def _holt_level(totals, is_open, weekdays, factors, params: Params) -> tuple[float, float]:
    """Damped-trend exponential smoothing of deseasonalised open-day totals."""
    series = [totals[d] / factors[weekdays[d]] for d in range(len(totals)) if is_open[d]]
    if not series:
        return 0.0, 0.0
    init = min(len(series), 7)
    level, trend = float(np.mean(series[:init])), 0.0
    a, b, phi = params.level_alpha, params.trend_beta, params.damping
    for y in series:
        previous = level
        level = a * y + (1 - a) * (level + phi * trend)
        trend = b * (level - previous) + (1 - b) * phi * trend
    return level, trend


def _weekday_mean(totals, is_open, weekdays, weekday: int, params: Params) -> float | None:
    days = [d for d in range(len(totals)) if is_open[d] and weekdays[d] == weekday]
    days = days[-params.weekday_weeks :]
    if not days:
        return None
    weights = np.array([params.weekday_decay ** (len(days) - 1 - i) for i in range(len(days))])
    mean = float(np.average([totals[d] for d in days], weights=weights))
    # Rescale by the recent level: the last 14 days against the days the mean covered.
    first = days[0]
    covered = [totals[d] for d in range(first, len(totals)) if is_open[d]]
    recent = [totals[d] for d in range(max(first, len(totals) - 14), len(totals)) if is_open[d]]
    if covered and recent and np.mean(covered) > 0:
        ratio = float(np.mean(recent) / np.mean(covered))
        mean *= float(np.clip(ratio, 0.5, 2.0)) ** 0.5
    return mean


def _profiles(history, is_open, weekdays, totals, params: Params) -> np.ndarray:
    """Share of the day's volume per slot, per weekday (7 × slots)."""
    n, slots = history.shape
    filled = np.nan_to_num(history, nan=0.0)
    start = max(0, n - 7 * params.profile_weeks)
    weights = np.zeros(n)
    for d in range(start, n):
        if is_open[d] and totals[d] > 0:
            weights[d] = params.profile_decay ** ((n - 1 - d) / 7)
    pooled_sum = (weights[:, None] * filled).sum(axis=0)
    pooled = pooled_sum / pooled_sum.sum() if pooled_sum.sum() > 0 else np.full(slots, 1 / slots)
    profiles = np.tile(pooled, (7, 1))
    for w in range(7):
        mask = (weekdays == w) & (weights > 0)
        if not mask.any():
            continue
        sums = (weights[mask, None] * filled[mask]).sum(axis=0)
        day_total = float((weights[mask] * totals[mask]).sum())
        # Slots this weekday is ever open: the pooled profile only fills those.
        open_slots = (~np.isnan(history[(weekdays == w) & is_open])).any(axis=0)
        prior = np.where(open_slots, pooled, 0.0)
        prior = prior / prior.sum() if prior.sum() > 0 else prior
        raw = sums / day_total if day_total > 0 else prior
        days_seen = float(weights[mask].sum())
        mean_daily = day_total / days_seen if days_seen else 0.0
        # Few arrivals per slot: a weekday's own profile is mostly noise, so lean on the pooled
        # one harder (pseudo-days grow as the mean count per open slot falls).
        per_slot = mean_daily / max(1, int(open_slots.sum()))
        shrink = params.profile_shrink * float(np.clip(4.0 / max(per_slot, 1e-6), 0.5, 10.0))
        share = (days_seen * raw + shrink * prior) / (days_seen + shrink)
        if (
            mean_daily * share[open_slots].mean() < params.smooth_below
            and slots >= 8
            and _smoothing_helps(filled[mask], weights[mask], open_slots)
        ):
            share = _smooth(share, open_slots)
        total = share.sum()
        profiles[w] = share / total if total > 0 else share
    return profiles


def _smoothing_helps(days: np.ndarray, weights: np.ndarray, open_slots: np.ndarray) -> bool:
    """Split the days in two (alternately) and check whether smoothing one half's profile
    predicts the other half better: true for a smooth curve seen through noise, false for real
    spikes (appointments on the hour, a morning rush)."""
    if len(days) < 4:
        return True
    halves = []
    for part in (slice(0, None, 2), slice(1, None, 2)):
        sums = (weights[part, None] * days[part]).sum(axis=0)
        total = sums.sum()
        halves.append(sums / total if total > 0 else sums)
    a, b = halves
    raw = np.abs(a - b).sum()
    smoothed = np.abs(_smooth(a, open_slots) - b).sum() + np.abs(_smooth(b, open_slots) - a).sum()
    return smoothed / 2 < raw


def _smooth(share: np.ndarray, open_slots: np.ndarray) -> np.ndarray:
    """A [1, 2, 1] kernel across neighbouring open slots; closed slots stay 0."""
    o = open_slots.astype(float)
    v = np.where(open_slots, share, 0.0)
    num = 2 * v
    den = 2 * o
    num[1:] += v[:-1]
    den[1:] += o[:-1]
    num[:-1] += v[1:]
    den[:-1] += o[1:]
    smoothed = np.where(open_slots & (den > 0), num / np.maximum(den, 1e-12), 0.0)
    total = smoothed.sum()
    return smoothed * (share.sum() / total) if total > 0 else share


def forecast(
    history: np.ndarray,
    first_day: date,
    target_days: list[date],
    *,
    open_slots: np.ndarray | None = None,
    params: Params = DEFAULT,
) -> np.ndarray:
    """Forecast `target_days` (after the history) as a len(target_days) × slots array.

    `open_slots` (same shape) marks which target slots are open; closed ones are 0. Without it,
    a target slot is open when its weekday was ever open there in the history.
    """
    history = np.asarray(history, dtype=float)
    n, slots = history.shape
    result = np.zeros((len(target_days), slots))
    if n == 0 or not target_days:
        return result
    weekdays = np.array([(first_day + timedelta(days=d)).weekday() for d in range(n)])
    is_open = _open_days(history)
    totals = np.nansum(history, axis=1)
    if not is_open.any() or totals[is_open].sum() <= 0:
        return result
    factors = _weekday_factors(totals, is_open, weekdays, params)
    level, trend = _holt_level(totals, is_open, weekdays, factors, params)
    profiles = _profiles(history, is_open, weekdays, totals, params)
    last_day = first_day + timedelta(days=n - 1)
    open_share = float(is_open[-28:].mean()) if n else 1.0
    fallback = float(totals[is_open][-28:].mean())
    for i, day in enumerate(target_days):
        w = day.weekday()
        steps = max(1.0, (day - last_day).days * open_share)
        damped = sum(params.damping**k for k in range(1, round(steps) + 1))
        seasonal = max(0.0, level + damped * trend) * factors[w]
        same_weekday = _weekday_mean(totals, is_open, weekdays, w, params)
        if same_weekday is None:
            # Never seen this weekday: fall back to the level (or the plain mean).
            volume = seasonal if level > 0 else fallback
        else:
            volume = 0.5 * seasonal + 0.5 * same_weekday
        row = volume * profiles[w]
        if open_slots is not None:
            row = np.where(open_slots[i], row, 0.0)
        else:
            ever_open = ~np.isnan(history[weekdays == w]).all(axis=0)
            row = np.where(ever_open, row, 0.0)
        result[i] = row
    return result


# --- backtest ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class BacktestResult:
    forecast_wape: float
    naive_wape: float
    mean4_wape: float
    weeks: int
    evaluated_intervals: int
    actual_total: float
    oracle_wape: float | None = None  # forecasting the true expected value (synthetic data only)

    @property
    def ratio(self) -> float:
        return self.forecast_wape / self.naive_wape if self.naive_wape > 0 else float("nan")

    def as_dict(self) -> dict:
        result = {
            "forecast_wape": round(self.forecast_wape, 4),
            "naive_wape": round(self.naive_wape, 4),
            "forecast_wape_ratio": round(self.ratio, 4),
            "mean4_wape": round(self.mean4_wape, 4),
            "mean4_wape_ratio": round(self.mean4_wape / self.naive_wape, 4)
            if self.naive_wape > 0
            else None,
            "weeks": self.weeks,
            "evaluated_intervals": self.evaluated_intervals,
            "actual_total": round(self.actual_total, 2),
        }
        if self.oracle_wape is not None and self.naive_wape > 0:
            result["oracle_wape_ratio"] = round(self.oracle_wape / self.naive_wape, 4)
        return result


class TooShort(ValueError):
    pass


ERROR_KEYS = ("forecast", "naive", "mean4", "oracle", "actual", "intervals")


def backtest_errors(
    history: np.ndarray,
    first_day: date,
    *,
    weeks: int = 4,
    params: Params = DEFAULT,
    expected: np.ndarray | None = None,
) -> dict[str, float]:
    """Absolute errors summed over the last `weeks` weeks, each forecast from the data before it.

    Keys: forecast, naive (same slot 7 days earlier, 0 if it was closed), mean4 (mean of the same
    slot over the 4 weeks before), oracle (the true expected values, when `expected` is given),
    actual (sum of arrivals) and intervals (how many were scored). Only open intervals of the test
    weeks are scored: closed ones are 0 in every method.
    """
    history = np.asarray(history, dtype=float)
    n = history.shape[0]
    if n < 7 * (weeks + 1):
        raise TooShort(
            f"The series covers {n} days; backtesting {weeks} weeks needs at least "
            f"{7 * (weeks + 1)} days."
        )
    filled = np.nan_to_num(history, nan=0.0)
    sums = dict.fromkeys(ERROR_KEYS, 0.0)
    for k in range(weeks, 0, -1):
        start = n - 7 * k
        train = history[:start]
        test = history[start : start + 7]
        mask = ~np.isnan(test)
        days = [first_day + timedelta(days=start + i) for i in range(7)]
        predicted = forecast(train, first_day, days, open_slots=mask, params=params)
        naive = filled[start - 7 : start]
        lags = [
            filled[start - 7 * j : start - 7 * j + 7] for j in range(1, 5) if start - 7 * j >= 0
        ]
        mean4 = np.mean(lags, axis=0)
        truth = filled[start : start + 7]
        sums["forecast"] += float(np.abs(predicted - truth)[mask].sum())
        sums["naive"] += float(np.abs(naive - truth)[mask].sum())
        sums["mean4"] += float(np.abs(mean4 - truth)[mask].sum())
        if expected is not None:
            oracle = np.nan_to_num(expected[start : start + 7], nan=0.0)
            sums["oracle"] += float(np.abs(oracle - truth)[mask].sum())
        sums["actual"] += float(truth[mask].sum())
        sums["intervals"] += int(mask.sum())
    return sums


def _result(sums: dict, weeks: int, with_oracle: bool) -> BacktestResult:
    actual = sums["actual"]
    if actual <= 0:
        raise TooShort("The weeks to backtest have no arrivals at all; WAPE is undefined.")
    return BacktestResult(
        sums["forecast"] / actual,
        sums["naive"] / actual,
        sums["mean4"] / actual,
        weeks,
        int(sums["intervals"]),
        actual,
        sums["oracle"] / actual if with_oracle else None,
    )


def backtest(
    history: np.ndarray,
    first_day: date,
    *,
    weeks: int = 4,
    params: Params = DEFAULT,
    expected: np.ndarray | None = None,
) -> BacktestResult:
    sums = backtest_errors(history, first_day, weeks=weeks, params=params, expected=expected)
    return _result(sums, weeks, expected is not None)


def pooled_backtest(series: list[tuple], *, weeks: int = 4) -> BacktestResult:
    """One WAPE over several series (sites): errors and actuals summed across them.

    Each item is (history, first_day) or (history, first_day, expected)."""
    totals = dict.fromkeys(ERROR_KEYS, 0.0)
    with_oracle = all(len(item) > 2 and item[2] is not None for item in series)
    for item in series:
        history, first_day = item[0], item[1]
        expected = item[2] if with_oracle else None
        try:
            sums = backtest_errors(history, first_day, weeks=weeks, expected=expected)
        except TooShort:
            continue
        for key in ERROR_KEYS:
            totals[key] += sums[key]
    if totals["actual"] <= 0:
        raise TooShort("No series had arrivals in the weeks to backtest.")
    return _result(totals, weeks, with_oracle)
