"""The forecaster: beats seasonal naive and the 4-week mean; holidays, short and empty history."""

from datetime import date, timedelta

import numpy as np
import pytest

from civicdesk.insights import forecast
from civicdesk.insights.synthetic import simulated_year


@pytest.mark.parametrize("volume", [60, 400, 3000])
def test_beats_seasonal_naive_and_the_four_week_mean_on_a_simulated_year(volume):
    history, first_day = simulated_year(daily_volume=volume, seed=11)
    result = forecast.backtest(history, first_day)
    assert result.ratio <= 0.75
    assert result.forecast_wape < result.mean4_wape


def test_closed_days_are_forecast_zero_and_left_out_of_training():
    history, first_day = simulated_year(days=70, daily_volume=400, seed=2)
    days = [first_day + timedelta(days=70 + i) for i in range(7)]
    open_slots = np.ones((7, history.shape[1]), dtype=bool)
    open_slots[2] = False  # a public holiday on Wednesday
    predicted = forecast.forecast(history, first_day, days, open_slots=open_slots)
    assert predicted[2].sum() == 0
    assert predicted[0].sum() > 0
    # A closed day in the history does not drag the Monday level down.
    with_holiday = history.copy()
    with_holiday[-7] = np.nan  # last Monday closed
    again = forecast.forecast(with_holiday, first_day, days, open_slots=open_slots)
    assert again[0].sum() == pytest.approx(predicted[0].sum(), rel=0.1)


def test_a_constant_series_is_forecast_exactly():
    slots = 96
    row = np.full(slots, np.nan)
    row[40] = 2.0  # 10:00-10:15, two visitors, every weekday
    first = date(2026, 1, 5)  # a Monday
    history = np.array([row if (first + timedelta(days=d)).weekday() < 5 else np.full(slots, np.nan)
                        for d in range(42)])  # fmt: skip
    days = [first + timedelta(days=42 + i) for i in range(7)]
    predicted = forecast.forecast(history, first, days)
    assert predicted[0, 40] == pytest.approx(2.0, rel=1e-6)
    assert predicted[0].sum() == pytest.approx(2.0, rel=1e-6)
    assert predicted[5].sum() == 0  # never open on Saturdays


def test_short_and_empty_histories():
    first = date(2026, 1, 5)
    history = np.full((3, 96), np.nan)
    history[:, 40] = [1.0, 2.0, 3.0]
    days = [first + timedelta(days=3 + i) for i in range(7)]
    predicted = forecast.forecast(history, first, days)
    assert predicted.sum() > 0 and np.isfinite(predicted).all()
    zeros = np.where(np.isnan(history), np.nan, 0.0)
    assert forecast.forecast(zeros, first, days).sum() == 0
    assert forecast.forecast(np.full((10, 96), np.nan), first, days).sum() == 0


def test_backtest_needs_five_weeks():
    with pytest.raises(forecast.TooShort):
        forecast.backtest(np.ones((30, 96)), date(2026, 1, 5))
