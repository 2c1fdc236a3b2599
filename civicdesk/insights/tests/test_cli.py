"""`civicdesk insights backtest`: one JSON object; clear errors for bad files."""

import json
from datetime import datetime, timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from civicdesk.insights.synthetic import simulated_year


def _write_series(path, *, step=15, days=63, header="timestamp,count", sep=","):
    history, first_day = simulated_year(days=days, daily_volume=300, seed=4, step_minutes=step)
    lines = [header] if header else []
    for d in range(history.shape[0]):
        for s in range(history.shape[1]):
            if not np.isnan(history[d, s]):
                at = datetime.combine(first_day + timedelta(days=d), datetime.min.time())
                at += timedelta(minutes=step * s)
                lines.append(f"{at.isoformat()}{sep}{int(history[d, s])}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _backtest(path) -> dict:
    out = StringIO()
    call_command("insights", "backtest", "--series", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_backtest_prints_one_json_object(tmp_path):
    result = _backtest(_write_series(tmp_path / "series.csv"))
    assert result["interval_minutes"] == 15
    assert result["weeks"] == 4
    assert result["forecast_wape_ratio"] == pytest.approx(
        result["forecast_wape"] / result["naive_wape"], abs=1e-3
    )
    assert result["forecast_wape_ratio"] < 0.8
    assert result["closed_days"] >= 9  # Sundays and public holidays: gaps in the file


def test_hourly_series_semicolons_and_no_header(tmp_path):
    result = _backtest(_write_series(tmp_path / "h.csv", step=60, header="", sep=";"))
    assert result["interval_minutes"] == 60


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"when,calls\n2026-01-05T09:00,3\n", "Expected columns timestamp,count"),
        (b"timestamp,count\n2026-01-05T09:00,3\n2026-01-05T09:15,x\n", "not a number"),
        (b"timestamp,count\n2026-01-05T09:00,-1\n2026-01-05T09:15,1\n", "zero or more"),
        (b"timestamp,count\nyesterday,3\n2026-01-05T09:15,1\n", "not a timestamp"),
        (b"\xff\xfet\x00i\x00m\x00e\x00", "not UTF-8"),
        (b"", "empty"),
        (b"timestamp,count\n2026-01-05T09:00,3\n2026-01-05T09:07,1\n", "does not divide a day"),
    ],
)
def test_bad_files_fail_with_a_message(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        _backtest(path)


def test_too_short_series(tmp_path):
    with pytest.raises(CommandError, match="needs at least 35 days"):
        _backtest(_write_series(tmp_path / "short.csv", days=20))


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _backtest(tmp_path / "nope.csv")
