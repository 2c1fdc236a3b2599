"""Run the whole suite again on PostgreSQL (TEST_DATABASE_URL).

Outside CI an unreachable server skips this run with the reason printed; with CI=true it fails.
"""

import os
import subprocess
import sys
from pathlib import Path

import psycopg

url = os.environ.get("TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
in_ci = os.environ.get("CI") == "true"

try:
    psycopg.connect(url, connect_timeout=5).close()
except psycopg.Error as exc:
    reason = f"PostgreSQL at {url} is not reachable ({exc.__class__.__name__}: {exc})".strip()
    if in_ci:
        print(f"ERROR: {reason}. CI must run the suite on PostgreSQL.", file=sys.stderr)
        sys.exit(1)
    print(f"SKIPPED the PostgreSQL run: {reason}.", file=sys.stderr)
    sys.exit(0)

print(f"Running the suite on PostgreSQL ({url}) ...", flush=True)
pytest = Path(sys.executable).with_name("pytest")
env = {**os.environ, "DATABASE_URL": url}
sys.exit(subprocess.call([str(pytest), "-p", "no:cacheprovider", *sys.argv[1:]], env=env))
