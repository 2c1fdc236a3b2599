"""Live ticket pages: one server process holds N streams; delay from a call to every stream.

Makes a site with N tickets, opens N `/live/ticket/<token>/events` streams against one
`civicdesk serve` process, then an officer calls visitors through the JSON API; each call's site
event must reach every stream. Reports p50/p99 of (delivery − moment the call was sent) and the
server's resident memory.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from civicdesk.bench._http import make_fixtures, raise_open_files_limit, staff_session
from civicdesk.bench.harness import (
    bench_environment,
    civicdesk,
    percentile,
    progress,
    running_server,
)


def add_arguments(parser):
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=10)


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


async def _subscriber(session, url: str, arrivals: dict, ready: asyncio.Event, stop):
    import aiohttp

    async with session.get(url, timeout=aiohttp.ClientTimeout(total=None)) as response:
        buffer = b""
        async for chunk in response.content.iter_any():
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                if block.startswith(b"retry:"):
                    ready.set()
                if b"event: called" in block and b'"kind":"called"' in block:
                    number = re.search(rb'"ticket":\{"number":"([A-Z0-9]+)"', block).group(1)
                    arrivals.setdefault(number.decode(), []).append(time.time())
            if stop.is_set():
                return


async def _run(base: str, fixtures: dict, subscribers: int, calls: int) -> dict:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    session = aiohttp.ClientSession(connector=connector)
    officer = await staff_session(base, fixtures["officers"][0], fixtures["password"])
    arrivals: dict[str, list[float]] = {}
    stop = asyncio.Event()
    tasks, readies = [], []
    progress(f"opening {subscribers} live ticket streams ...")
    for index, token in enumerate(fixtures["tokens"][:subscribers]):
        ready = asyncio.Event()
        readies.append(ready)
        url = f"{base}/live/ticket/{token}/events"
        tasks.append(asyncio.create_task(_subscriber(session, url, arrivals, ready, stop)))
        if index % 200 == 199:
            await asyncio.gather(*(r.wait() for r in readies[-200:]))
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
    progress(f"{subscribers} streams open; calling {calls} visitors ...")
    counter = fixtures["counters"][0]
    sent: dict[str, float] = {}
    for _ in range(calls):
        async with officer.post(
            f"{base}/api/v1/queues/tickets", json={"service_id": fixtures["services"][0]}
        ) as response:
            await response.read()
        await asyncio.sleep(0.5)  # let the "issued" event pass before timing the call
        started = time.time()
        async with officer.post(f"{base}/api/v1/queues/counters/{counter}/call-next") as response:
            data = await response.json()
        number = data["ticket"]["number"]
        sent[number] = started
        deadline = time.monotonic() + 10
        while len(arrivals.get(number, [])) < subscribers and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        async with officer.post(
            f"{base}/api/v1/queues/staff/tickets/{data['ticket']['id']}/start"
        ) as response:
            await response.read()
        async with officer.post(
            f"{base}/api/v1/queues/staff/tickets/{data['ticket']['id']}/finish", json={"note": ""}
        ) as response:
            await response.read()
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await officer.close()
    await session.close()
    delays = [
        (at - sent[number]) * 1000
        for number, times in arrivals.items()
        if number in sent
        for at in times
    ]
    return {"delays": delays, "delivered": len(delays), "expected": subscribers * calls}


def run(options: dict) -> dict:
    subscribers = min(options["subscribers"], 500) if options["quick"] else options["subscribers"]
    calls = min(options["calls"], 3) if options["quick"] else options["calls"]
    raise_open_files_limit(subscribers * 2 + 1000)
    with bench_environment(options["database_url"]) as env:
        if not options["url"]:
            progress("migrating a throwaway database ...")
            civicdesk(env, "migrate", "--no-input")
        fixtures = make_fixtures(env, "site", "--tickets", str(subscribers))
        with running_server(env, url=options["url"]) as base:
            result = asyncio.run(_run(base, fixtures, subscribers, calls))
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
