"""Estimated wait: mean absolute error at join time, live-state estimator against the naive one.

Without --trace: a simulated busy site (simpy, through the real queue services; see
_waits_sim.py) on a throwaway database. With --trace FILE: a real queue log (CSV) replayed through
the same estimator, each arrival seeing only what happened before it (see _trace.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

from civicdesk.bench.harness import bench_environment, progress


def add_arguments(parser):
    parser.add_argument("--trace", default=None, help="Replay this queue log CSV instead.")
    parser.add_argument("--days", type=int, default=3, help="Simulated days (the last is scored).")
    parser.add_argument("--seed", type=int, default=7)


def run(options: dict) -> dict:
    if options.get("trace"):
        from civicdesk.bench._trace import replay_trace

        progress(f"replaying {options['trace']} ...")
        return replay_trace(options["trace"])
    days = 1 if options["quick"] else options["days"]
    close = "12.5" if options["quick"] else "17.5"
    scale = 1.0
    with bench_environment(options["database_url"]) as env:
        progress(f"simulating {days} day(s) of a busy site through the queue services ...")
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "civicdesk.bench._waits_sim",
                "--days",
                str(days),
                "--seed",
                str(options["seed"]),
                "--scale",
                str(scale),
                "--close",
                close,
            ],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])
