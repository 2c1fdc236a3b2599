"""The pooled PostgreSQL backend checks a connection only when it has been idle past the window."""

import psycopg
import pytest
from django.db import connection

from civicdesk.core.postgresql import base

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pool"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def pool():
    settings_dict = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            **connection.settings_dict.get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": 1, "timeout": 5},
        },
    }
    wrapper = base.DatabaseWrapper(settings_dict, alias="pool_check_test")
    pool = wrapper.pool
    pool.open(wait=True)
    yield pool
    wrapper.close_pool()


def _kill(conn) -> int:
    pid = conn.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    return pid


def test_a_connection_handed_out_again_at_once_skips_the_round_trip(pool, monkeypatch):
    monkeypatch.setattr(base, "BYPASS_SECONDS", 60.0)  # "at once", however slow the machine
    conn = pool.getconn()
    pool.putconn(conn)
    pid = _kill(conn)
    again = pool.getconn()  # within the window: no check, so the dead connection comes back
    try:
        assert again.info.backend_pid == pid
        with pytest.raises(psycopg.OperationalError):
            again.execute("SELECT 1")
    finally:
        pool.putconn(again)


def test_a_connection_idle_past_the_window_is_checked_and_replaced(pool, monkeypatch):
    monkeypatch.setattr(base, "BYPASS_SECONDS", 0.0)
    conn = pool.getconn()
    pool.putconn(conn)
    pid = _kill(conn)
    fresh = pool.getconn()  # the check finds it dead: the pool gives a new one
    try:
        assert fresh.info.backend_pid != pid
        assert fresh.execute("SELECT 1").fetchone() == (1,)
    finally:
        pool.putconn(fresh)


def test_the_pool_carries_the_windowed_check(pool):
    assert pool._check is base.check_unless_just_used
