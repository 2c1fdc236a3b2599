"""Several rows written in one PostgreSQL statement (data-modifying CTEs), built from model objects.

For the hottest writes only (a citizen's case, a queue ticket): a row counter's lock held for one
statement instead of several round trips, and fewer statements. The values are the ones
`Model.save()` would write (each field's `pre_save` and `get_db_prep_save`: auto_now, defaults,
JSON adaptation), so the ORM models stay the one description of the tables. These inserts send
no `pre_save`/`post_save` signals: use them only for models nothing listens to.
"""

from __future__ import annotations

from django.db import connection
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


def insert_values(obj: Model, skip: set[str] = frozenset()) -> tuple[list[str], list]:
    """Quoted column names and database values of `obj`'s new row, without its primary key and
    the fields named (by attname) in `skip`, which the caller gives as SQL expressions."""
    qn = connection.ops.quote_name
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key and f.attname not in skip]
    return (
        [qn(f.column) for f in fields],
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields],
    )


def mark_saved(obj: Model, pk) -> None:
    """`obj` now has a row (written by one of these statements), as after `save()`."""
    obj.pk = pk
    obj._state.adding, obj._state.db = False, connection.alias
