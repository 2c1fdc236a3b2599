"""`civicdesk bench case_queue --quick`: one JSON object, the queue timed for both roles."""

import json
import subprocess
import sys


def test_case_queue_bench_prints_its_figures():
    result = subprocess.run(
        [sys.executable, "-m", "civicdesk", "bench", "case_queue", "--quick"],
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )
    data = json.loads(result.stdout)
    assert data["database"] == "sqlite" and data["cases"] == 600 and data["page"] == 3
    for role in ("qsm", "officer"):
        for page in ("first", "deep"):
            assert data[f"{role}_{page}_page_ms"] > 0
        assert data[f"{role}_deep_page"] == 3  # the queue is deep enough to reach the page
        # A count and the page; the officer's departments and sites are read first.
        assert data[f"{role}_first_page_queries"] == data[f"{role}_deep_page_queries"]
    assert data["qsm_deep_page_queries"] == 2
    assert data["officer_deep_page_queries"] == 4
