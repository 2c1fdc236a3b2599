"""`civicdesk bench intake --quick` against a real `civicdesk serve` on a throwaway SQLite."""

import json
import os
import re
import subprocess
import sys

KEYS = {"cases_per_s", "p50_ms", "p99_ms", "baseline_per_s", "ratio", "lost", "duplicated",
        "queries_per_case", "database"}  # fmt: skip


def test_bench_intake_quick_prints_one_json_object():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "civicdesk", "bench", "intake", "--quick", "--clients", "8",
         "--seconds", "2"],
        env=env, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert set(data) == KEYS
    assert data["lost"] == data["duplicated"] == 0
    assert data["cases_per_s"] > 0 and data["baseline_per_s"] > 0
    assert 0 < data["queries_per_case"] <= 30
    assert data["database"] == "sqlite"
    # Each phase says how busy the bench's own client was (a saturated client sets the pace).
    loads = re.findall(r"the bench client used (\d+)% of one core", result.stderr)
    assert len(loads) == 3 and all(0 <= int(n) <= 150 for n in loads), result.stderr
