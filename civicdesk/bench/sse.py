"""Live ticket pages: one server process holds N streams; delay from a call to every stream.

Makes a site with N tickets, opens N `/live/ticket/<token>/events` streams against one
`civicdesk serve` process, then an officer calls visitors through the JSON API; each call's site
event must reach every stream. Reports p50/p99 of (delivery − moment the call was sent) and the
server's resident memory.

The streams are read by separate client processes (`_sse_client.py`: raw asyncio protocols on
uvloop, one per 2,500 streams) that time each delivery with time.time(), the clock this process
shares on the machine, so the reader is not what is measured. `--client-check` runs the same
readers against a trivial SSE server instead: the client side's own capacity, for comparison.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from civicdesk.bench._http import make_fixtures, raise_open_files_limit, staff_session
from civicdesk.bench.harness import (
    bench_environment,
    civicdesk,
    free_port,
    percentile,
    progress,
    running_server,
)


def add_arguments(parser):
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument(
        "--client-processes",
        type=int,
        default=0,
        help="processes reading the streams (default: one per 2,500 streams, at least 1)",
    )
    parser.add_argument(
        "--client-check",
        action="store_true",
        help="measure the stream readers alone, against a trivial SSE server (same keys)",
    )


def _server_rss_mb(port: int) -> float | None:
    """Resident memory of the local `civicdesk serve --port PORT` process, from /proc."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            if b"serve" in cmdline and str(port).encode() in cmdline:
                status = (proc / "status").read_text()
                kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
                return round(kb / 1024, 1)
        except (OSError, AttributeError):
            continue
    return None


class Readers:
    """The client processes (`_sse_client read`), each holding a share of the streams."""

    def __init__(self, base: str, paths: list[str], processes: int) -> None:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        self.args = [sys.executable, "-m", "civicdesk.bench._sse_client", "read", host, port]
        self.shares = [paths[i::processes] for i in range(processes) if paths[i::processes]]
        self.procs: list[asyncio.subprocess.Process] = []
        self.complete: dict[str, int] = {}  # number -> client processes that saw it everywhere
        self.changed = asyncio.Event()
        self.final: dict[int, bytes] = {}

    async def open(self) -> None:
        for share in self.shares:
            proc = await asyncio.create_subprocess_exec(
                *self.args,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=2**26,
            )
            proc.stdin.write(("\n".join(share) + "\n\n").encode())
            await proc.stdin.drain()
            self.procs.append(proc)
        for proc in self.procs:
            line = await asyncio.wait_for(proc.stdout.readline(), 600)
            if line.strip() != b"ready":
                raise RuntimeError(f"a stream reader failed to open its streams: {line!r}")
        self._followers = [asyncio.create_task(self._follow(p)) for p in self.procs]

    async def _follow(self, proc) -> None:
        while True:
            line = await proc.stdout.readline()
            if not line.startswith(b"got "):
                self.final[proc.pid] = line  # the arrivals, after "stop"
                return
            number = line.split()[1].decode()
            self.complete[number] = self.complete.get(number, 0) + 1
            self.changed.set()

    async def wait_for(self, number: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.complete.get(number, 0) < len(self.procs):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)
        return True

    async def stop(self) -> dict[str, list[float]]:
        arrivals: dict[str, list[float]] = {}
        for proc, follower in zip(self.procs, self._followers, strict=True):
            proc.stdin.write(b"stop\n")
            await proc.stdin.drain()
            await follower
            for number, times in json.loads(self.final[proc.pid]).items():
                arrivals.setdefault(number, []).extend(times)
            await proc.wait()
        return arrivals


async def _post(base: str, officer, path: str, **kw) -> dict:
    """One officer request; retried once on a connection the server closed while we waited."""
    import aiohttp

    for attempt in (1, 2):
        try:
            async with officer.post(f"{base}{path}", **kw) as response:
                return await response.json() if response.status == 200 else {}
        except aiohttp.ClientOSError:
            if attempt == 2:
                raise
    return {}


async def _run(base: str, paths: list[str], call, processes: int, calls: int) -> dict:
    readers = Readers(base, paths, processes)
    progress(f"opening {len(paths)} live streams from {len(readers.shares)} client processes ...")
    await readers.open()
    progress(f"{len(paths)} streams open; calling {calls} visitors ...")
    sent: dict[str, float] = {}
    try:
        for _ in range(calls):
            number, started, finish = await call()
            sent[number] = started
            if not await readers.wait_for(number, 30):
                progress(f"{number}: not delivered to every stream within 30 s")
            await finish()
    finally:
        arrivals = await readers.stop()
    delays = [
        (at - sent[number]) * 1000
        for number, times in arrivals.items()
        if number in sent
        for at in times
    ]
    for number, started in sent.items():
        times = arrivals.get(number) or [started]
        progress(
            f"{number}: first stream after {(min(times) - started) * 1000:.0f} ms, "
            f"last after {(max(times) - started) * 1000:.0f} ms"
        )
    return {"delays": delays, "delivered": len(delays), "expected": len(paths) * calls}


async def _civicdesk_run(base, fixtures, subscribers, processes, calls) -> dict:
    import aiohttp

    officer = await staff_session(
        base, fixtures["officers"][0], fixtures["password"], timeout=aiohttp.ClientTimeout(60)
    )
    counter = fixtures["counters"][0]

    async def call():
        await _post(
            base, officer, "/api/v1/queues/tickets", json={"service_id": fixtures["services"][0]}
        )
        await asyncio.sleep(0.5)  # let the "issued" event pass before timing the call
        started = time.time()
        data = await _post(base, officer, f"/api/v1/queues/counters/{counter}/call-next")
        ticket = data["ticket"]

        async def finish():
            await _post(base, officer, f"/api/v1/queues/staff/tickets/{ticket['id']}/start")
            await _post(
                base,
                officer,
                f"/api/v1/queues/staff/tickets/{ticket['id']}/finish",
                json={"note": ""},
            )

        return ticket["number"], started, finish

    paths = [f"/live/ticket/{token}/events" for token in fixtures["tokens"][:subscribers]]
    try:
        return await _run(base, paths, call, processes, calls)
    finally:
        await officer.close()


async def _trivial_run(base, subscribers, processes, calls) -> dict:
    """The same reader against `_sse_client trivial`: what the client side alone can do."""
    import aiohttp

    session = aiohttp.ClientSession()
    count = 0

    async def call():
        nonlocal count
        count += 1
        number = f"A{count:03d}"
        await asyncio.sleep(0.5)
        started = time.time()
        async with session.post(f"{base}/call/{number}") as response:
            await response.read()

        async def finish():
            return None

        return number, started, finish

    paths = [f"/stream/{i}" for i in range(subscribers)]
    try:
        return await _run(base, paths, call, processes, calls)
    finally:
        await session.close()


@contextlib.contextmanager
def _trivial_server():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "civicdesk.bench._sse_client", "trivial", str(port)],
        stdout=subprocess.PIPE,
    )
    try:
        server.stdout.readline()
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        server.kill()
        server.wait()


def _rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return round(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024, 1)


def run(options: dict) -> dict:
    subscribers = min(options["subscribers"], 500) if options["quick"] else options["subscribers"]
    calls = min(options["calls"], 3) if options["quick"] else options["calls"]
    processes = options["client_processes"] or max(1, -(-subscribers // 2500))
    raise_open_files_limit(subscribers * 2 + 1000)
    if options["client_check"]:
        with _trivial_server() as (base, pid):
            result = asyncio.run(_trivial_run(base, subscribers, processes, calls))
            rss = _rss_mb(pid)
    else:
        with bench_environment(options["database_url"]) as env:
            if not options["url"]:
                progress("migrating a throwaway database ...")
                civicdesk(env, "migrate", "--no-input")
            fixtures = make_fixtures(env, "site", "--tickets", str(subscribers))
            with running_server(env, url=options["url"]) as base:
                result = asyncio.run(_civicdesk_run(base, fixtures, subscribers, processes, calls))
                port = int(base.rsplit(":", 1)[1])
                rss = None if options["url"] else _server_rss_mb(port)
    delays = result["delays"]
    return {
        "subscribers": subscribers,
        "p50_ms": round(percentile(delays, 50), 1),
        "p99_ms": round(percentile(delays, 99), 1),
        "delivered": result["delivered"],
        "expected": result["expected"],
        "rss_mb": rss,
    }
