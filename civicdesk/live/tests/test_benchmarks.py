"""Quick runs of the three queue benchmarks print exactly their keys (real server, real HTTP)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

TRACE = Path(__file__).resolve().parents[2] / "bench" / "fixtures" / "trace_small.csv"


def _bench(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "civicdesk", "bench", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout)


def test_bench_queues_quick():
    data = _bench("queues", "--quick", "--clients", "12", "--officers", "3")
    assert set(data) == {
        "ops_per_s",
        "p50_ms",
        "p99_ms",
        "baseline_ops_per_s",
        "ratio",
        "lost",
        "duplicated",
        "skipped",
        "queries_per_op",
        "database",
    }
    assert data["ops_per_s"] > 0 and data["database"] == "sqlite"
    assert (data["lost"], data["duplicated"], data["skipped"]) == (0, 0, 0)


def test_bench_queues_paced_offers_the_rate_asked():
    """An open loop: 12 clients together send 30 operations a second, not as many as the server
    answers (a closed loop does several times that here)."""
    data = _bench("queues", "--quick", "--clients", "12", "--officers", "3", "--rate", "30")
    assert data["offered_ops_per_s"] == 30
    assert 0 < data["ops_per_s"] <= 33
    assert (data["lost"], data["duplicated"], data["skipped"]) == (0, 0, 0)


def test_bench_sse_quick():
    data = _bench("sse", "--quick", "--subscribers", "40", "--calls", "2")
    assert set(data) == {"subscribers", "p50_ms", "p99_ms", "delivered", "expected", "rss_mb"}
    assert data["subscribers"] == 40
    assert data["delivered"] == data["expected"] == 40 * 2
    assert data["rss_mb"] > 0


def test_bench_waits_quick():
    data = _bench("waits", "--quick")
    assert set(data) == {"mae_min", "naive_mae_min", "ratio", "tickets"}
    assert data["tickets"] > 50 and data["mae_min"] < data["naive_mae_min"]


@pytest.mark.parametrize("path", [TRACE])
def test_bench_waits_replays_a_trace(path):
    data = _bench("waits", "--trace", str(path))
    assert set(data) == {"mae_min", "naive_mae_min", "ratio", "tickets"}
    served = path.read_text().count(",served")
    assert data["tickets"] == served
