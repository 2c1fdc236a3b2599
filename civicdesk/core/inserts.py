"""Several rows written in one PostgreSQL statement (data-modifying CTEs), built from model objects.

For the hottest writes only (a citizen's case, a queue ticket): a row counter's lock held for one
statement instead of several round trips, and fewer statements. The values are the ones
`Model.save()` would write (each field's `pre_save` and `get_db_prep_save`: auto_now, defaults,
JSON adaptation), so the ORM models stay the one description of the tables. These inserts send
no `pre_save`/`post_save` signals: use them only for models nothing listens to.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Model

try:  # psycopg 3 (PostgreSQL); absent on a SQLite-only install
    from psycopg import _queries as _psycopg_queries
except ImportError:  # pragma: no cover
    _psycopg_queries = None

# psycopg keeps the parsed form of a query (where each %s is) only for queries of at most 50
# parameters (`MAX_CACHED_STATEMENT_PARAMS`, 50 in psycopg 3.3): the statements built here have
# over 70 (a case, its message, event and audit entry), so each one was parsed again on every
# request, ~4 % of a server process's time under `civicdesk bench intake`. Their text is the
# same from one request to the next, so caching them costs one entry each.
PARAMETERS_CACHED = 128
if (
    _psycopg_queries is not None
    and getattr(_psycopg_queries, "MAX_CACHED_STATEMENT_PARAMS", PARAMETERS_CACHED)
    < PARAMETERS_CACHED
):
    _psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = PARAMETERS_CACHED
# Likewise for their length (4,096 characters in psycopg 3.3; a case's write is close to it).
LENGTH_CACHED = 16384
if (
    _psycopg_queries is not None
    and getattr(_psycopg_queries, "MAX_CACHED_STATEMENT_LENGTH", LENGTH_CACHED) < LENGTH_CACHED
):
    _psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = LENGTH_CACHED


def insert_values(obj: Model, skip: set[str] = frozenset()) -> tuple[list[str], list]:
    """Quoted column names and database values of `obj`'s new row, without its primary key and
    the fields named (by attname) in `skip`, which the caller gives as SQL expressions."""
    fields, columns, _ = _insert_fields(type(obj), frozenset(skip), connection.vendor)
    return list(columns), [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def mark_saved(obj: Model, pk) -> None:
    """`obj` now has a row (written by one of these statements), as after `save()`."""
    obj.pk = pk
    obj._state.adding, obj._state.db = False, connection.alias


def insert_casts(obj: Model, skip: set[str] = frozenset()) -> list[str]:
    """`%s::type` for each value of `insert_values(obj, skip)`, in the same order.

    A parameter sent apart from the SQL (`bound_cursor`) has no type of its own when it is a
    string or NULL; in `INSERT ... VALUES` PostgreSQL takes the column's, but in
    `INSERT ... SELECT` (a row that takes a value from another CTE) it would be text."""
    return list(_insert_fields(type(obj), frozenset(skip), connection.vendor)[2])


@functools.cache
def _insert_fields(model: type[Model], skip: frozenset[str], vendor: str) -> tuple[tuple, ...]:
    """The fields a new row of `model` is written with (all but the primary key and `skip`),
    their quoted columns and their typed placeholders: worked out once per model, not per row."""
    fields = tuple(
        f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip
    )
    return (
        fields,
        tuple(connection.ops.quote_name(f.column) for f in fields),
        tuple(f"%s::{f.cast_db_type(connection)}" for f in fields),
    )


@contextlib.contextmanager
def bound_cursor() -> Iterator:
    """A cursor of the default connection that sends the parameters apart from the SQL.

    Django's PostgreSQL cursors merge the parameters into the SQL text (client-side binding),
    so PostgreSQL parses and plans every statement anew. For the few statements run at every
    citizen's request (a case's write, a ticket's number), this cursor binds on the server and
    psycopg prepares the statement once per connection after `prepare_threshold` runs (5;
    settings: DATABASE_PREPARE_THRESHOLD, empty to turn it off behind a pooler that does not
    keep prepared statements): no parse, no plan, no escaping of 70 values into the text.
    Django still wraps it, so its query log, `CaptureQueriesContext` and error translation
    apply. Elsewhere (SQLite) it is the ordinary cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = psycopg.Cursor(connection.connection)
    wrapper = _LoggedBoundCursor if connection.queries_logged else CursorWrapper
    with wrapper(raw, connection) as cursor:
        yield cursor


class _LoggedBoundCursor(CursorDebugWrapper):
    """Django's query log reads the SQL back from psycopg, which has none to give for a prepared
    statement: the log (DEBUG, `CaptureQueriesContext`) gets it with its values, as for any
    other statement."""

    def execute(self, sql, params=None):
        try:
            logged = self.db.ops.compose_sql(sql, params)
        except Exception:  # the statement itself will say what is wrong with the values
            logged = sql
        with self.debug_sql(logged, params):
            return super(CursorDebugWrapper, self).execute(sql, params)
