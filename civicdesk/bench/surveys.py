"""Surveys under load: people answering one-time links at once, and managers reading results.

Against a real `civicdesk serve` on a database holding the demo city's six months of answers:
N clients each open an invitation link and submit the form (CSRF and all, as a browser does);
one client then submits every link a second time, which must be refused. A signed-in QSM
meanwhile loads the results page and the results API. Reports throughput, latencies and the
check that every answer was counted exactly once.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
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

PASSWORD = "bench-password-not-secret-0"  # noqa: S105 - throwaway database only
SETUP = """
import json
from civicdesk.organisations.models import Agency, StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.organisations.services import staff_create
from civicdesk.surveys.services import survey_invite, survey_policy_for
if not Agency.objects.filter(code="HSG").exists():
    from civicdesk.organisations.demo import load_organisations
    load_organisations()
agency = Agency.objects.get(code="HSG")
policy = survey_policy_for(agency); policy.sampling_rate = 1; policy.save()
if not StaffProfile.objects.filter(user__username="bench.qsm").exists():
    staff_create(actor=None, username="bench.qsm", password=%(password)r, display_name="Bench QSM",
                 role=Role.QSM, agency=agency, email="bench.qsm@example.org")
site = agency.sites.first()
tokens = [survey_invite(agency=agency, site=site, service_key="RENT", channel="counter",
                        language="zh-hant").token for _ in range(%(count)d)]
print(json.dumps(tokens))
"""
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def add_arguments(parser):
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--result-reads", type=int, default=40)


def _opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _request(opener, url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _answer(base: str, token: str) -> tuple[float, float, int]:
    opener = _opener()
    url = f"{base}/s/{token}/"
    started = time.perf_counter()
    status, html = _request(opener, url)
    opened = (time.perf_counter() - started) * 1000
    if status != 200:
        return opened, 0.0, status
    form = {
        "csrfmiddlewaretoken": _CSRF.search(html).group(1),
        "satisfied": "4",
        "trust": "5",
        "effort": "6",
        "recommend": "9",
        "went_well": "職員很有禮貌",
    }
    started = time.perf_counter()
    status, _html = _request(opener, url, form)
    return opened, (time.perf_counter() - started) * 1000, status


def _sign_in(base: str):
    opener = _opener()
    _status, html = _request(opener, f"{base}/staff/sign-in/")
    status, _html = _request(
        opener,
        f"{base}/staff/sign-in/",
        {
            "csrfmiddlewaretoken": _CSRF.search(html).group(1),
            "username": "bench.qsm",
            "password": PASSWORD,
        },
    )
    if status != 302:
        raise RuntimeError(f"bench QSM could not sign in (HTTP {status})")
    return opener


def _timed(opener, url) -> float:
    started = time.perf_counter()
    status, _body = _request(opener, url)
    if status != 200:
        raise RuntimeError(f"{url} answered HTTP {status}")
    return (time.perf_counter() - started) * 1000


def _count_responses(env) -> int:
    script = (
        "from civicdesk.surveys.models import Response, Source;"
        "print(Response.objects.exclude(source=Source.DEMO).count())"
    )
    out = subprocess.run(
        [sys.executable, "-m", "civicdesk", "shell", "-c", script],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return int(out.stdout.strip().splitlines()[-1])


def run(options: dict) -> dict:
    count = 60 if options["quick"] else options["answers"]
    reads = 10 if options["quick"] else options["result_reads"]
    with bench_environment(options["database_url"]) as env:
        civicdesk(env, "migrate", "--no-input")
        if not options["quick"]:  # --quick: the city without its history, to stay under a minute
            progress("loading the demo city with six months of answers ...")
            civicdesk(env, "demo")
        progress(f"making {count} invitations ...")
        out = subprocess.run(
            [sys.executable, "-m", "civicdesk", "shell", "-c",
             SETUP % {"password": PASSWORD, "count": count}],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        tokens = json.loads(out.stdout.strip().splitlines()[-1])
        with running_server(env, url=options["url"]) as base:
            progress(f"{options['clients']} clients answering {count} links at {base} ...")
            started = time.monotonic()
            with ThreadPoolExecutor(options["clients"]) as pool:
                answered = list(pool.map(lambda t: _answer(base, t), tokens))
            elapsed = time.monotonic() - started
            progress("submitting every link a second time ...")
            with ThreadPoolExecutor(options["clients"]) as pool:
                again = list(pool.map(lambda t: _answer(base, t), tokens))
            progress(f"a QSM reads the results {reads} times ...")
            qsm = _sign_in(base)
            page = [_timed(qsm, f"{base}/staff/surveys/?group_by=site") for _ in range(reads)]
            api = [
                _timed(qsm, f"{base}/api/v1/surveys/results?group_by=month") for _ in range(reads)
            ]
        stored = _count_responses(env)
    submits = [s for _o, s, status in answered if status == 302]
    return {
        "answers_submitted": len(submits),
        "answers_per_s": round(len(submits) / elapsed, 1),
        "open_p50_ms": round(percentile([o for o, _s, _st in answered], 50), 1),
        "submit_p50_ms": round(percentile(submits, 50), 1),
        "submit_p99_ms": round(percentile(submits, 99), 1),
        "second_attempts_refused": sum(1 for _o, _s, status in again if status == 409),
        "responses_stored": stored,
        "counted_once": stored == len(submits) == count,
        "results_page_p50_ms": round(percentile(page, 50), 1),
        "results_page_p99_ms": round(percentile(page, 99), 1),
        "results_api_p50_ms": round(percentile(api, 50), 1),
        "history_loaded": not options["quick"],
        "database": database_kind(options["database_url"]),
    }
