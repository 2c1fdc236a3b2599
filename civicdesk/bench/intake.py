"""Cases created per second over HTTP by concurrent clients, against the bare JSON endpoint."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid

from civicdesk.bench._intake_db import request_for
from civicdesk.bench.harness import (
    bench_environment,
    civicdesk,
    client_load,
    database_kind,
    percentile,
    progress,
    running_server,
)

# Every RESEND-th case is sent a second time with the same Idempotency-Key, as a client that
# lost the first answer would: it must come back as the same case, never a second one.
RESEND = 20


def add_arguments(parser):
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--seconds", type=float, default=20, help="seconds per phase (20)")
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="server worker processes, the same for both phases (one per core, at most 2)",
    )
    parser.add_argument(
        "--api",
        choices=["cases", "open311"],
        default="cases",
        help="cases: POST /api/v1/cases/ with X-Api-Key (default); open311: POST "
        "/open311/v2/requests.json with api_key",
    )


def _db(env: dict, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "civicdesk.bench._intake_db", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


async def _load(base: str, clients: int, seconds: float, make) -> tuple[list[float], list, int]:
    """`clients` loops, each sending its next request as soon as the last one answered.

    aiohttp, as `bench queues`: its cost per request is a small fraction of the server's, so
    both phases measure the server (httpx's async client cost ~2 ms of CPU a request here and,
    sharing the machine's cores, set the pace of the ping phase itself)."""
    import aiohttp

    latencies: list[float] = []
    answers: list = []
    errors = 0
    statuses: dict[int, int] = {}
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as http:
        stop_at = time.monotonic() + seconds
        counter = iter(range(10**9))

        async def send(method: str, path: str, kwargs: dict) -> tuple[int, bytes]:
            async with http.request(method.upper(), path, **kwargs) as response:
                return response.status, await response.read()

        async def client() -> None:
            nonlocal errors
            while time.monotonic() < stop_at:
                i = next(counter)
                method, path, kwargs = make(i)
                started = time.perf_counter()
                try:
                    status, body = await send(method, path, kwargs)
                except (TimeoutError, aiohttp.ClientError):
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                if status >= 300:
                    errors += 1
                    statuses[status] = statuses.get(status, 0) + 1
                    continue
                answers.append((i, body))
                if i % RESEND == 0 and path != "/api/v1/ping":
                    status, body = await send(method, path, kwargs)
                    if status >= 300:
                        errors += 1
                        statuses[status] = statuses.get(status, 0) + 1
                        progress(f"resend answered {status}: {body[:300]!r}")
                    else:
                        answers.append((i, body))

        cpu_started, wall_started = time.process_time(), time.monotonic()
        await asyncio.gather(*(client() for _ in range(clients)))
        client_load(time.process_time() - cpu_started, time.monotonic() - wall_started)
    if statuses:
        progress(f"error answers by status: {statuses}")
    return latencies, answers, errors


def _client_kwargs(kwargs: dict) -> dict:
    """Django test-client keyword arguments as aiohttp ones."""
    headers = dict(kwargs["headers"])
    if "content_type" in kwargs:
        headers["Content-Type"] = kwargs["content_type"]
    return {"data": kwargs["data"], "headers": headers}


def _reference(body: bytes) -> str:
    data = json.loads(body)
    return data[0]["service_request_id"] if isinstance(data, list) else data["reference"]


def run(options: dict) -> dict:
    seconds = min(options["seconds"], 5) if options["quick"] else options["seconds"]
    clients = min(options["clients"], 20) if options["quick"] else options["clients"]
    api = options["api"]
    run_id = uuid.uuid4().hex[:10]
    if options["url"] and not options["database_url"]:
        progress("--url given without --database-url: the credentials and the count need the "
                 "server's own database; pass the same DATABASE_URL the server uses")  # fmt: skip
    with bench_environment(options["database_url"]) as env:
        # Pooled database connections, as a production deployment runs: a new PostgreSQL
        # connection per request would cost more than the case itself.
        env.setdefault("DATABASE_POOL_MAX_SIZE", "10")
        if not options["url"]:
            progress("migrating the database ...")
            civicdesk(env, "migrate", "--no-input")
        key = _db(env, "setup")["key"]

        def make_case(i: int):
            method, path, kwargs = request_for(api, key, run_id, i)
            return method, path, _client_kwargs(kwargs)

        def make_ping(i: int):
            return "get", "/api/v1/ping", {}

        progress(f"server: {options['workers']} worker(s), database pool of "
                 f"{env.get('DATABASE_POOL_MAX_SIZE')} per worker, same for ping and cases")  # fmt: skip
        with running_server(env, workers=options["workers"], url=options["url"]) as base:
            progress(f"warming up {base} ...")
            asyncio.run(_load(base, 2, 1, make_ping))
            progress(f"{clients} clients for {seconds}s: GET /api/v1/ping")
            ping_ms, _pings, ping_errors = asyncio.run(_load(base, clients, seconds, make_ping))
            target = "/open311/v2/requests.json" if api == "open311" else "/api/v1/cases/"
            progress(f"{clients} clients for {seconds}s: POST {target}")
            case_ms, answers, case_errors = asyncio.run(_load(base, clients, seconds, make_case))
        progress("counting the cases in the database ...")
        stored = _db(env, "count", run_id)
        progress("counting SQL statements per created case ...")
        per_case = _db(env, "queries", api)["queries_per_case"]

    acknowledged: dict[str, set[str]] = {}
    for i, body in answers:
        acknowledged.setdefault(str(i), set()).add(_reference(body))
    created = len(acknowledged)
    lost = sum(1 for marker in acknowledged if stored.get(marker, 0) == 0)
    duplicated = sum(n - 1 for n in stored.values() if n > 1) + sum(
        len(refs) - 1 for refs in acknowledged.values()
    )
    cases_per_s = created / seconds
    baseline_per_s = len(ping_ms) / seconds
    progress(f"ping p50 {percentile(ping_ms, 50):.1f} ms, p99 {percentile(ping_ms, 99):.1f} ms; "
             f"{len(answers) - created} resends answered with the first case")  # fmt: skip
    if case_errors or ping_errors:
        progress(f"errors: {case_errors} case requests, {ping_errors} pings")
    return {
        "cases_per_s": round(cases_per_s, 1),
        "p50_ms": round(percentile(case_ms, 50), 2),
        "p99_ms": round(percentile(case_ms, 99), 2),
        "baseline_per_s": round(baseline_per_s, 1),
        "ratio": round(cases_per_s / baseline_per_s, 3) if baseline_per_s else 0.0,
        "lost": lost,
        "duplicated": duplicated,
        "queries_per_case": round(per_case, 1),
        "database": database_kind(options["database_url"]),
    }
