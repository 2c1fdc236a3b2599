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
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    DateTimeField,
    EmailField,
    ForeignKey,
    Model,
    SmallAutoField,
    TextField,
)

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
    db = connections[DEFAULT_DB_ALIAS]  # once, not through the proxy in every field's call
    fields, columns, _, as_is_types = _insert_fields(type(obj), frozenset(skip), db.vendor)
    values = []
    for field, as_is in zip(fields, as_is_types, strict=True):
        if as_is is None:
            values.append(field.get_db_prep_save(field.pre_save(obj, True), db))
            continue
        value = getattr(obj, field.attname)  # its pre_save
        if value is None or (
            type(value) in as_is and (type(value) is not datetime or value.tzinfo is not None)
        ):
            values.append(value)
        else:
            values.append(field.get_db_prep_save(value, db))
    return list(columns), values


def mark_saved(obj: Model, pk) -> None:
    """`obj` now has a row (written by one of these statements), as after `save()`."""
    obj.pk = pk
    obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS  # `connection`'s alias


def insert_casts(obj: Model | type[Model], skip: set[str] = frozenset()) -> list[str]:
    """`%s::type` for each value of `insert_values(obj, skip)`, in the same order (`obj`: a row
    or its model).

    A parameter sent apart from the SQL (`bound_cursor`) has no type of its own when it is a
    string or NULL; in `INSERT ... VALUES` PostgreSQL takes the column's, but in
    `INSERT ... SELECT` (a row that takes a value from another CTE) it would be text."""
    model = obj if isinstance(obj, type) else type(obj)
    return list(_insert_fields(model, frozenset(skip), connection.vendor)[2])


def insert_columns(model: type[Model], skip: set[str] = frozenset()) -> list[str]:
    """The quoted columns of `insert_values(obj, skip)` for a row of `model`, in the same order:
    for a statement built once, before any row."""
    return list(_insert_fields(model, frozenset(skip), connection.vendor)[1])


# Field classes whose value goes to PostgreSQL as the attribute holds it, when it is of these
# exact types (or None): `pre_save` reads the attribute and `get_db_prep_save` returns it
# unchanged (an aware datetime, for DateTimeField). `insert_values` skips those calls for them:
# most of an intake's ~75 values, ~4/5 of the cost of preparing them. Anything else (integers,
# which Django types as int2/int4, decimals, JSON, addresses, a subclass, a naive datetime, a
# lazy string) takes the field's own path.
_AS_IS_ON_POSTGRESQL = {
    CharField: (str,),
    TextField: (str,),
    EmailField: (str,),
    BooleanField: (bool,),
    DateTimeField: (datetime,),
}
_AUTO_KEYS = (AutoField, BigAutoField, SmallAutoField)


def _as_is_types(field, vendor: str) -> tuple[type, ...] | None:
    """The value types `field` writes unchanged on `vendor`; None: always ask the field."""
    if vendor != "postgresql":
        return None
    if type(field) is ForeignKey:
        # Its value is the target's primary key: an auto key passes an int unchanged.
        return (int,) if type(field.target_field) in _AUTO_KEYS else None
    if type(field) is DateTimeField and (field.auto_now or field.auto_now_add):
        return None  # pre_save sets the time
    return _AS_IS_ON_POSTGRESQL.get(type(field))


@functools.cache
def _insert_fields(model: type[Model], skip: frozenset[str], vendor: str) -> tuple[tuple, ...]:
    """The fields a new row of `model` is written with (all but the primary key and `skip`),
    their quoted columns, their typed placeholders and the value types each writes unchanged
    (`_as_is_types`): worked out once per model, not per row."""
    fields = tuple(
        f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip
    )
    return (
        fields,
        tuple(connection.ops.quote_name(f.column) for f in fields),
        tuple(f"%s::{f.cast_db_type(connection)}" for f in fields),
        tuple(_as_is_types(f, vendor) for f in fields),
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
    db = connections[DEFAULT_DB_ALIAS]  # the default connection, without its proxy's look-ups
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    import psycopg

    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        raw = psycopg.Cursor(db.connection)
    wrapper = _LoggedBoundCursor if db.queries_logged else CursorWrapper
    with wrapper(raw, db) as cursor:
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
