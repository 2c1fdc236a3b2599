"""Django's PostgreSQL backend, with a pooled connection's health check skipped when the
connection was taken from the pool moments ago.

With a pool (`DATABASE_POOL_MAX_SIZE`) and `CONN_HEALTH_CHECKS`, Django has psycopg's pool
check every connection it hands out with a round trip to the server: one extra statement per
request, which under load is most of the cost of a cheap request. A connection handed out less
than `BYPASS_SECONDS` ago has been idle for less than that (it went back to the pool in
between), and is handed out again without the round trip; one idle longer is checked as before.
The same rule as HikariCP's `aliveBypassWindowMs` (500 ms). A connection that broke within the
window fails its request and Django discards it, as it does with no checks at all.
"""

from __future__ import annotations

from time import monotonic

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool  # this backend is used only with a pool (settings)

BYPASS_SECONDS = 0.5


def check_unless_just_used(conn) -> None:
    """The pool's check, skipped for a connection handed out less than BYPASS_SECONDS ago."""
    at = monotonic()
    last = getattr(conn, "_civicdesk_handed_out", None)
    if last is None or at - last >= BYPASS_SECONDS:
        ConnectionPool.check_connection(conn)
    conn._civicdesk_handed_out = at


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        # Django gives the pool psycopg's own check when CONN_HEALTH_CHECKS is on; that check
        # (and only it) is replaced. No pool, or a psycopg_pool that renamed the attribute: as is.
        if getattr(pool, "_check", None) is ConnectionPool.check_connection:
            pool._check = check_unless_just_used
        return pool
