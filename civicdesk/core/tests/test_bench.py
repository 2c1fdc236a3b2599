import json
import subprocess
import sys


def test_bench_prints_exactly_one_json_object():
    result = subprocess.run(
        [sys.executable, "-m", "civicdesk", "bench", "baseline", "--quick", "--clients", "2"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    data = json.loads(result.stdout)
    assert set(data) == {"requests_per_s", "p50_ms", "p99_ms", "database"}
    assert data["requests_per_s"] > 0 and data["database"] == "sqlite"
