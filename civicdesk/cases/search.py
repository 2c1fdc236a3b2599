"""Search over a case's text (subject, description, citizen's name) and its reference.

- A reference typed anywhere in the query finds that case exactly; a query that is the start of
  a reference (`HSG-2026-0001`) finds the references that begin with it.
- Words use the database's full-text index: PostgreSQL `to_tsvector('simple', ...)` under a GIN
  expression index (migration 0004), SQLite an FTS5 table kept in step by triggers. 'simple':
  no language's stemmer changes the words, so Chinese, Malay or Tamil text is indexed as it is.
  Each query word matches as a prefix, after a light English suffix trim (`leaking`, `leaks`,
  `leaked` all find `leak`), and every word must match. Numbers match whole (`7` is not `70`).
- Chinese, Japanese and Korean are written without spaces, so a full-text tokenizer sees a whole
  run of characters as one word: a part of it would never match. A query word with such
  characters is matched as a substring instead (ILIKE / LIKE), as before this index existed.
- The query's punctuation (quotes, `*`, `"`, `:`, `&`...) is never passed on as syntax: only the
  words are, quoted, so no query can fail.
Results come best first: subject matches weigh more than description ones, then the citizen's
name; ties keep the queue's order.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

REFERENCE_RE = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-\d{4}-\d{6})\b")
REFERENCE_PREFIX_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}-\d{1,4}(-\d{0,6})?$")
WORD_RE = re.compile(r"[^\W_]+")
CJK_RE = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
)
# Longest first; a trim must leave a stem of at least MIN_STEM letters.
SUFFIXES = ("ing", "ed", "es", "s", "ly")
MIN_STEM = 3
FTS_TABLE = "cases_case_fts"  # SQLite (migration 0004)


def stem(word: str) -> str:
    """A light English trim (ASCII words only), so that the prefix match finds the other forms:
    leaking/leaked/leaks -> leak, boxes -> box, quickly -> quick."""
    if not word.isascii() or word.isdigit():
        return word
    for suffix in SUFFIXES:
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or len(stem) < MIN_STEM:
            continue
        if suffix == "es" and not stem.endswith(("s", "x", "z", "ch", "sh")):
            continue  # pipes -> pipe (by the "s" rule), not "pip"
        if suffix == "s" and stem.endswith(("s", "u", "i")):
            continue  # glass, status, analysis
        return stem
    return word


def parse(query: str) -> tuple[list[str], list[str]]:
    """(full-text words, substrings): the query's words, lower-cased and trimmed, and its
    chunks with CJK characters."""
    words: list[str] = []
    substrings: list[str] = []
    for chunk in query.split():
        if CJK_RE.search(chunk):
            substrings.append(chunk)
            continue
        words.extend(stem(w.lower()) for w in WORD_RE.findall(chunk))
    return list(dict.fromkeys(words)), list(dict.fromkeys(substrings))


def _substring(text: str) -> Q:
    return (
        Q(subject__icontains=text)
        | Q(description__icontains=text)
        | Q(contact_name__icontains=text)
    )


def search(qs: QuerySet, query: str) -> tuple[QuerySet, bool]:
    """`qs` narrowed to the cases matching `query`, and whether a `search_rank` annotation
    (higher is better) was added to order by."""
    query = query.replace("\x00", "").strip()
    upper = query.upper()
    reference = REFERENCE_RE.search(upper)
    if reference:
        return qs.filter(reference=reference.group(1)), False
    if REFERENCE_PREFIX_RE.match(upper):
        return qs.filter(reference__startswith=upper), False
    words, substrings = parse(query)
    if not words and not substrings:
        return qs.none(), False
    for text in substrings:
        qs = qs.filter(_substring(text))
    if not words:
        return qs, False
    # A single word with a digit may be part of a reference too ("000123", "2026-0001").
    by_reference = (
        Q(reference__contains=upper)
        if len(query.split()) == 1 and any(c.isdigit() for c in query)
        else None
    )
    if connection.vendor == "postgresql":
        return _postgresql(qs, words, by_reference), True
    if connection.vendor == "sqlite":
        return _sqlite(qs, words, by_reference), True
    return qs.filter(*[_substring(w) for w in words]), False  # pragma: no cover


# --- PostgreSQL -------------------------------------------------------------------------
# The same expression as the GIN index of migration 0004, so that the planner uses it.
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, COALESCE(cases_case.subject, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(cases_case.description, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(cases_case.contact_name, '')), 'C'))"
)


def pg_tsquery(words: list[str]) -> str:
    """to_tsquery text: every word (letters and digits only, so safe to quote) must match;
    words with letters as prefixes."""
    return " & ".join(f"'{w}'" if w.isdigit() else f"'{w}':*" for w in words)


def _postgresql(qs: QuerySet, words: list[str], by_reference: Q | None) -> QuerySet:
    tsquery = pg_tsquery(words)
    matches = RawSQL(  # noqa: S611
        f"{PG_VECTOR} @@ to_tsquery('simple', %s)", [tsquery], output_field=BooleanField()
    )
    rank = RawSQL(  # noqa: S611
        f"ts_rank({PG_VECTOR}, to_tsquery('simple', %s))", [tsquery], output_field=FloatField()
    )
    condition = Q(matches) | by_reference if by_reference is not None else Q(matches)
    return qs.filter(condition).annotate(search_rank=rank)


# --- SQLite ---------------------------------------------------------------------------------
def fts5_query(words: list[str]) -> str:
    """FTS5 MATCH text: each word a quoted string (its own syntax cannot leak), letters as
    prefixes; space means AND."""
    return " ".join(f'"{w}"' if w.isdigit() else f'"{w}"*' for w in words)


def _sqlite(qs: QuerySet, words: list[str], by_reference: Q | None) -> QuerySet:
    match = fts5_query(words)
    ids = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S608, S611
    # bm25 is lower for better matches; column weights: subject, description, name.
    rank = RawSQL(  # noqa: S611
        f"COALESCE((SELECT -bm25({FTS_TABLE}, 10.0, 4.0, 1.0) FROM {FTS_TABLE} "  # noqa: S608
        f"WHERE {FTS_TABLE} MATCH %s AND rowid = cases_case.id), 0)",
        [match],
        output_field=FloatField(),
    )
    condition = Q(pk__in=ids)
    if by_reference is not None:
        condition |= by_reference
    return qs.filter(condition).annotate(search_rank=rank)


def order_by_rank(qs: QuerySet, *then: str) -> QuerySet:
    return qs.order_by(F("search_rank").desc(nulls_last=True), *then)
