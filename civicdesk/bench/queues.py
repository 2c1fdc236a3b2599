"""Queues under load: concurrent visitors join and officers serve over HTTP, against /api/v1/ping.

Of `--clients` concurrent clients, `--officers` sign in and loop call-next → start → finish at
their own counter; the rest join the queue through the public API. Every HTTP request is one
operation, timed after a short warm-up at the same load. The same clients then hit the bare
`/api/v1/ping` for the same time (the baseline).
Finally the database is checked: every number a client was given must exist (lost), appear once
(duplicated), and the numbers of each letter and day must run 1..n without gaps (skipped).

By default each client sends its next request as soon as the last one is answered (a closed
loop: it finds the most the server can do, and then each request waits behind the other
clients', so p99 ≈ clients ÷ ops/s at best). `--rate R` paces the clients instead, R operations
a second in all, each client on its own evenly spaced schedule (an open loop, as people and
counters arrive): latencies are then those of a server under that load, each counted from the
moment its request was due, so a server falling behind shows as a late request, not as a
slower client (no "coordinated omission"). The ping phase stays a closed loop: the capacity of
the bare stack.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter as Tally

from civicdesk.bench._http import make_fixtures, raise_open_files_limit, staff_session
from civicdesk.bench.harness import (
    bench_environment,
    civicdesk,
    client_load,
    database_kind,
    percentile,
    progress,
    running_server,
)


def add_arguments(parser):
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--workers", type=int, default=0, help="server processes (default: 2 on PostgreSQL)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="operations a second offered by all clients together, evenly paced (an open "
        "loop); 0 (default): each client sends as soon as it has its answer",
    )


WARM_UP_SECONDS = 3
by_kind: dict[str, list[float]] = {"join": [], "call-next": [], "start": [], "finish": []}


class Pace:
    """When a client's next request is due. Closed loop (interval 0): now. Paced: on the
    client's own schedule, every `interval` seconds from a random phase; the latency of a
    request counts from when it was due, so a request sent late because the last answer came
    late is counted as waiting that long."""

    def __init__(self, interval: float) -> None:
        import random

        self.interval = interval
        self.due = time.perf_counter() + random.uniform(0, interval)  # noqa: S311 (a phase)

    async def next(self) -> float:
        """Wait until the next request is due; return the instant latency counts from."""
        if not self.interval:
            return time.perf_counter()
        due, self.due = self.due, self.due + self.interval
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        return due


async def _post(session, url, payload, kind, ok, started, latencies, errors):
    """POST, note the latency under `kind`; the JSON answer if the status is `ok`, else None
    (counted by status; a dropped connection counted as "connection", the run goes on)."""
    import aiohttp

    try:
        async with session.post(url, json=payload) as response:
            status = response.status
            body = await response.json() if status == ok else await response.read()
    except aiohttp.ClientError as error:
        status, body = "connection", repr(error).encode()
    latencies.append((time.perf_counter() - started) * 1000)
    by_kind[kind].append(latencies[-1])
    if status == ok:
        return body
    errors[status] += 1
    if errors[status] == 1:
        progress(f"{kind} answered {status}: {body[:200]!r}")
    return None


async def _visitor(session, base, service_id, stop_at, latencies, given, errors, pace):
    url, payload = f"{base}/api/v1/queues/tickets", {"service_id": service_id}
    while time.monotonic() < stop_at:
        started = await pace.next()
        body = await _post(session, url, payload, "join", 201, started, latencies, errors)
        if body is not None:
            given.append(body["number"])


async def _officer(session, base, counter_id, stop_at, latencies, errors, pace):
    call = f"{base}/api/v1/queues/counters/{counter_id}/call-next"
    while time.monotonic() < stop_at:
        started = await pace.next()
        body = await _post(session, call, None, "call-next", 200, started, latencies, errors)
        if body is None or body["ticket"] is None:
            if not pace.interval:  # a closed loop would poll as fast as it is answered
                await asyncio.sleep(0.05 if body is None else 0.01)
            continue
        for action in ("start", "finish"):
            started = await pace.next()
            url = f"{base}/api/v1/queues/staff/tickets/{body['ticket']['id']}/{action}"
            await _post(session, url, {}, action, 200, started, latencies, errors)


async def _ping(session, base, stop_at, latencies):
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        async with session.get(f"{base}/api/v1/ping") as response:
            await response.read()
        latencies.append((time.perf_counter() - started) * 1000)


async def _drive(
    base: str, fixtures: dict, clients: int, officers: int, seconds: float, rate: float
):
    import aiohttp

    officers = min(officers, len(fixtures["counters"]), clients - 1)
    timeout = aiohttp.ClientTimeout(total=60)
    public = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout)
    staff = [
        await staff_session(base, fixtures["officers"][i], fixtures["password"], timeout=timeout)
        for i in range(officers)
    ]
    given: list[str] = []
    errors: Tally = Tally()
    interval = clients / rate if rate > 0 else 0.0
    service = fixtures["services"][0]

    async def phase(length: float, latencies: list[float]) -> None:
        stop_at = time.monotonic() + length
        await asyncio.gather(
            *(
                _visitor(public, base, service, stop_at, latencies, given, errors, Pace(interval))
                for _ in range(clients - officers)
            ),
            *(
                _officer(staff[i], base, counter, stop_at, latencies, errors, Pace(interval))
                for i, counter in enumerate(fixtures["counters"][:officers])
            ),
        )

    # Each server process's first requests pay for starting up (connections opened, statements
    # prepared, the estimator's first full read): a short warm-up at the same load, not timed
    # (its tickets are counted in the checks below like the others).
    progress(f"warming up for {WARM_UP_SECONDS}s ...")
    await phase(WARM_UP_SECONDS, [])
    for values in by_kind.values():
        values.clear()
    pacing = f", {rate:g} operations/s offered in all" if interval else ""
    progress(f"{clients - officers} visitors and {officers} officers for {seconds}s{pacing} ...")
    latencies: list[float] = []
    started, cpu_started = time.monotonic(), time.process_time()
    await phase(seconds, latencies)
    elapsed = time.monotonic() - started
    client_load(time.process_time() - cpu_started, elapsed)
    progress(f"baseline: {clients} clients on /api/v1/ping for {seconds}s ...")
    ping: list[float] = []
    stop_at = time.monotonic() + seconds
    ping_started, cpu_started = time.monotonic(), time.process_time()
    await asyncio.gather(*(_ping(public, base, stop_at, ping) for _ in range(clients)))
    ping_elapsed = time.monotonic() - ping_started
    client_load(time.process_time() - cpu_started, ping_elapsed)
    for session in (public, *staff):
        await session.close()
    if errors:
        progress(f"non-2xx answers: {dict(errors)}")
    for kind, values in by_kind.items():
        if values:
            progress(
                f"{kind}: {len(values)} ops, p50 {percentile(values, 50):.1f} ms, "
                f"p99 {percentile(values, 99):.1f} ms"
            )
    return latencies, elapsed, ping, ping_elapsed, given, sum(errors.values())


def _check_numbers(given: list[str], stored: list[list]) -> dict:
    stored_numbers = Tally(f"{prefix}{sequence:03d}@{day}" for day, prefix, sequence in stored)
    by_letter: dict[tuple, list[int]] = {}
    for day, prefix, sequence in stored:
        by_letter.setdefault((day, prefix), []).append(sequence)
    duplicated = sum(n - 1 for n in stored_numbers.values() if n > 1)
    skipped = sum(max(seqs) - len(set(seqs)) for seqs in by_letter.values())
    plain = Tally(key.split("@")[0] for key in stored_numbers.elements())
    lost = sum(1 for number in set(given) if plain[number] == 0)
    duplicated += sum(n - 1 for n in Tally(given).values() if n > 1)
    return {"lost": lost, "duplicated": duplicated, "skipped": skipped}


def run(options: dict) -> dict:
    clients = min(options["clients"], 50) if options["quick"] else options["clients"]
    seconds = 5 if options["quick"] else options["seconds"]
    kind = database_kind(options["database_url"])
    workers = options["workers"] or (2 if kind == "postgresql" else 1)
    raise_open_files_limit(clients * 4 + 1000)
    with bench_environment(options["database_url"]) as env:
        # Bounded, reused connections per server process (each request runs in its own thread:
        # without a pool 200 clients open 200+ connections, past PostgreSQL's max_connections).
        env.setdefault("DATABASE_POOL_MAX_SIZE", "16")
        if not options["url"]:
            progress("migrating a throwaway database ...")
            civicdesk(env, "migrate", "--no-input")
        fixtures = make_fixtures(env, "site", "--counters", str(options["officers"]))
        with running_server(env, url=options["url"], workers=workers) as base:
            latencies, elapsed, ping, ping_elapsed, given, failed = asyncio.run(
                _drive(base, fixtures, clients, options["officers"], seconds, options["rate"])
            )
        audit = make_fixtures(env, "audit", "--site-id", str(fixtures["site_id"]))
    checks = _check_numbers(given, audit["numbers"])
    progress(f"{len(latencies)} operations, {failed} failed (not 2xx)")
    ops = len(latencies) / elapsed if elapsed else 0.0
    baseline = len(ping) / ping_elapsed if ping_elapsed else 0.0
    q = audit["queries"]
    calls = max(sum(1 for _ in given), 1)
    # Weighted by this run's mix: each join is one op, each served visit is call+start+finish.
    served_ops = max(len(latencies) - len(given), 0)
    per_op = (
        (len(given) * q["join"] + served_ops * (q["call"] + q["start"] + q["finish"]) / 3)
        / max(len(latencies), 1)
        if calls
        else 0.0
    )
    offered = {"offered_ops_per_s": options["rate"]} if options["rate"] > 0 else {}
    return {
        **offered,
        "ops_per_s": round(ops, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "baseline_ops_per_s": round(baseline, 1),
        "ratio": round(ops / baseline, 3) if baseline else 0.0,
        **checks,
        "queries_per_op": round(per_op, 1),
        "database": kind,
    }
