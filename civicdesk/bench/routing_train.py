"""Routing model training time on synthetic cases (English and Chinese): n_train, seconds."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


def add_arguments(parser):
    parser.add_argument("--cases", type=int, default=100_000)


def run(options: dict) -> dict:
    import django

    django.setup()
    from civicdesk.bench.harness import progress
    from civicdesk.routing.model import train
    from civicdesk.routing.synthetic import AGENCY_DEPARTMENTS, history

    n = 5_000 if options["quick"] else options["cases"]
    end = datetime(2026, 1, 1, tzinfo=UTC)
    departments = [d for deps in AGENCY_DEPARTMENTS.values() for d in deps]
    progress(f"generating {n} synthetic cases over {len(departments)} departments ...")
    examples = [
        e.as_example()
        for e in history(departments=departments, n=n, start=end - timedelta(days=365), end=end)
    ]
    started = time.perf_counter()
    cpu_started = time.process_time()

    def report(note: str, fraction: float) -> None:
        progress(f"{time.perf_counter() - started:7.1f}s {fraction:4.0%} {note}")

    result = train(examples, progress=report)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started  # wall time suffers on a shared machine
    model = result.model
    probe = examples[:200]
    model.predict_proba(probe[:1])
    t0 = time.perf_counter()
    for example in probe:
        model.predict_proba([example])
    ms_per_case = (time.perf_counter() - t0) * 1000 / len(probe)
    return {
        "n_train": result.n_train,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "top1_held_back": result.evaluation["top1"],
        "coverage_at_95": result.evaluation["coverage"],
        "ms_per_case": round(ms_per_case, 3),
        "labels": len(model.labels),
    }
