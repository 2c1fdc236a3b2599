"""Pledge dashboards at scale: bulk history, all period results, public pages and open data p95,
and the incremental recompute of one day's new data."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

from civicdesk.bench.harness import (
    bench_environment,
    civicdesk,
    percentile,
    progress,
    running_server,
)

FULL = {"tickets": 10_000_000, "cases": 2_000_000, "answers": 500_000}


def add_arguments(parser):
    parser.add_argument("--requests", type=int, default=60, help="Requests per URL.")
    parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the full size.")


def _step(env: dict, step: str, sizes: dict) -> dict:
    args = [f"--{k}={v}" for k, v in sizes.items()]
    out = subprocess.run(
        [sys.executable, "-m", "civicdesk", "pledges_bench", step, *args],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _p95(urls: list[str], n: int) -> float:
    latencies = []
    for url in urls:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310  (warm-up)
            response.read()
        for _ in range(n):
            started = time.perf_counter()
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
                response.read()
            latencies.append((time.perf_counter() - started) * 1000)
    return round(percentile(latencies, 95), 1)


def run(options: dict) -> dict:
    scale = 0.01 if options["quick"] else options["scale"]
    sizes = {k: int(v * scale) for k, v in FULL.items()}
    n = 20 if options["quick"] else options["requests"]
    with bench_environment(options["database_url"]) as env:
        progress("migrating ...")
        civicdesk(env, "migrate", "--no-input")
        _step(env, "generate", sizes)
        progress("computing every period result ...")
        full = _step(env, "compute", sizes)
        progress(f"full compute: {full}")
        progress("adding one day of new data and late replies; incremental recompute ...")
        incremental = _step(env, "incremental", sizes)
        progress(f"incremental: {incremental}")
        with running_server(env, url=options["url"]) as base:
            progress(f"timing pages and open data at {base} ({n} requests each) ...")
            pages = _p95([f"{base}/pledges/", f"{base}/pledges/BHSG/", f"{base}/pledges/BTRN/"], n)
            data = _p95(
                [
                    f"{base}/pledges/open-data/results.json",
                    f"{base}/pledges/open-data/results.csv",
                    f"{base}/pledges/open-data/BHSG/results.csv",
                ],
                n,
            )
    return {
        "tickets": sizes["tickets"],
        "cases": sizes["cases"],
        "answers": sizes["answers"],
        "page_p95_ms": pages,
        "open_data_p95_ms": data,
        "incremental_s": incremental["seconds"],
    }
