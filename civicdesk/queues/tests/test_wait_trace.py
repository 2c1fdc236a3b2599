"""`bench waits --trace`: the replay sees only the past, and the estimator beats the naive one on
made-up logs of different kinds (civicdesk/bench/_trace_gen.py, seeded)."""

import csv

import pytest

from civicdesk.bench._trace import replay_estimates, replay_trace
from civicdesk.bench._trace_gen import COLUMNS, generate, write


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        write(rows, handle)
    return str(path)


def test_each_arrival_sees_only_what_happened_before_it(tmp_path):
    rows = generate("office", seed=5, days=1)
    cut = rows[len(rows) // 2]["arrival"]
    # The same log cut at `cut`: later arrivals gone, later starts, ends and give-ups unknown.
    cut_rows = []
    for row in rows:
        if row["arrival"] > cut:
            continue
        row = dict(row)
        for column in ("service_start", "service_end", "abandoned_at"):
            if row[column] and row[column] > cut:
                row[column] = ""
        if not row["service_start"]:
            row["outcome"], row["server"] = "abandoned", ""
        cut_rows.append(row)
    full = replay_estimates(_write(tmp_path / "full.csv", rows))
    short = replay_estimates(_write(tmp_path / "cut.csv", cut_rows))
    pairs = list(zip(short, full, strict=False))
    assert len(pairs) == len(cut_rows) > 50
    for (visit, estimate, naive), (same, full_estimate, full_naive) in pairs:
        assert visit.arrival == same.arrival
        assert (estimate, naive) == (full_estimate, full_naive)


def test_the_generated_logs_have_the_columns_of_the_issue(tmp_path):
    path = _write(tmp_path / "log.csv", generate("callcentre", seed=2, days=1))
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == COLUMNS
    assert {row["outcome"] for row in rows} == {"served", "abandoned"}
    for row in rows:
        assert bool(row["service_start"]) == (row["outcome"] == "served")
        assert bool(row["abandoned_at"]) == (row["outcome"] == "abandoned")


@pytest.mark.parametrize("kind", ["office", "surge"])
def test_the_estimator_beats_the_naive_one(tmp_path, kind):
    data = replay_trace(_write(tmp_path / f"{kind}.csv", generate(kind, seed=3, days=2)))
    assert data["tickets"] > 200
    assert data["mae_min"] < data["naive_mae_min"]
