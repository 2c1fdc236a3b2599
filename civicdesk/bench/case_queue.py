"""The staff case queue of a large agency: page 1 and a deep page for a QSM and an officer.

JSON: cases, page, database, and per role and page the median ms (wall, and CPU of the
measuring process, SQLite's work included), the queries and the page number reached."""

from __future__ import annotations

import json
import subprocess
import sys

from civicdesk.bench.harness import bench_environment, civicdesk, database_kind, progress


def add_arguments(parser):
    parser.add_argument("--cases", type=int, default=20_000, help="Cases in the agency's queue.")
    parser.add_argument("--page", type=int, default=100, help="The deep page (50 cases a page).")
    parser.add_argument("--repeat", type=int, default=5, help="Timings per page (the median).")
    parser.add_argument("--explain", action="store_true", help="Query plans to stderr.")


def run(options: dict) -> dict:
    cases = 600 if options["quick"] else options["cases"]
    page = 3 if options["quick"] else options["page"]
    repeat = 2 if options["quick"] else options["repeat"]
    with bench_environment(options["database_url"]) as env:
        progress("migrating ...")
        civicdesk(env, "migrate", "--no-input")
        progress(f"making {cases} cases and timing pages 1 and {page} ...")
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "civicdesk.bench._case_queue_db",
                f"--cases={cases}",
                f"--page={page}",
                f"--repeat={repeat}",
                *(["--explain"] if options["explain"] else []),
            ],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
    return {**json.loads(out), "database": database_kind(options["database_url"])}
