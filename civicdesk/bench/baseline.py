"""Throughput of the bare JSON endpoint (/api/v1/ping) alone: the yardstick other benchmarks use."""

from __future__ import annotations

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from civicdesk.bench.harness import (
    bench_environment,
    civicdesk,
    database_kind,
    percentile,
    progress,
    running_server,
)


def add_arguments(parser):
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)


def _hammer(url: str, stop_at: float) -> list[float]:
    latencies = []
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            response.read()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def run(options: dict) -> dict:
    seconds = 3 if options["quick"] else options["seconds"]
    with bench_environment(options["database_url"]) as env:
        if not options["url"]:
            progress("migrating a throwaway database ...")
            civicdesk(env, "migrate", "--no-input")
        with running_server(env, url=options["url"]) as base:
            progress(f"{options['clients']} clients for {seconds}s against {base}/api/v1/ping")
            stop_at = time.monotonic() + seconds
            with ThreadPoolExecutor(options["clients"]) as pool:
                runs = list(
                    pool.map(
                        lambda _: _hammer(f"{base}/api/v1/ping", stop_at), range(options["clients"])
                    )
                )
    latencies = [x for run_ in runs for x in run_]
    return {
        "requests_per_s": round(len(latencies) / seconds, 1),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "database": database_kind(options["database_url"]),
    }
