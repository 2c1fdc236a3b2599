"""Async HTTP pieces shared by benchmarks (aiohttp): signing staff in, raising the files limit."""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def raise_open_files_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(soft, wanted), hard) if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def make_fixtures(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "civicdesk.bench._fixtures", *args],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


async def staff_session(base: str, username: str, password: str, **session_kw):
    """An aiohttp session signed in as staff, with the CSRF header the JSON API wants."""
    import aiohttp

    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), **session_kw)
    async with session.get(f"{base}/staff/sign-in/") as response:
        token = CSRF_INPUT.search(await response.text()).group(1)
    async with session.post(
        f"{base}/staff/sign-in/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/staff/sign-in/"},
        allow_redirects=False,
    ) as response:
        if response.status != 302:
            raise RuntimeError(f"staff sign-in failed ({response.status})")
    csrf = next(c.value for c in session.cookie_jar if c.key == "csrftoken")
    session.headers["X-CSRFToken"] = csrf
    session.headers["Referer"] = f"{base}/"
    return session
