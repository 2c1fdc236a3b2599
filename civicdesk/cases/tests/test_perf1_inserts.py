"""`insert_values` writes what `Model.save()` would: the values it passes on unchanged (most of
a case's) are the ones the fields' own preparation gives."""

import json
import warnings
from datetime import datetime

import pytest
from django.db import connection

from civicdesk.audit.models import AuditEntry
from civicdesk.cases.api import hash_key
from civicdesk.cases.models import Case, CaseEvent, CaseMessage, IntakeKey
from civicdesk.core.inserts import _insert_fields, insert_casts, insert_columns, insert_values

pytestmark = pytest.mark.django_db


def _prepared_by_fields(obj, skip=frozenset()):
    fields = _insert_fields(type(obj), frozenset(skip), connection.vendor)[0]
    return [
        None
        if getattr(f, "auto_now", False)  # the time of the call: not comparable
        else f.get_db_prep_save(f.pre_save(obj, True), connection)
        for f in fields
    ]


def _comparable(obj, values, skip=frozenset()):
    fields = _insert_fields(type(obj), frozenset(skip), connection.vendor)[0]
    return [
        None if getattr(f, "auto_now", False) else v for f, v in zip(fields, values, strict=True)
    ]


def _same(a, b):
    # psycopg's wrappers (Int2, Jsonb) compare by their value and type
    return [(type(x), repr(x) if not hasattr(x, "obj") else json.dumps(x.obj)) for x in a] == [
        (type(y), repr(y) if not hasattr(y, "obj") else json.dumps(y.obj)) for y in b
    ]


def test_an_intakes_rows_get_the_values_their_fields_prepare(client, monday, agency, leak):
    IntakeKey.objects.create(agency=agency, name="bot", key_hash=hash_key("k"))
    body = {"description": "Water through the ceiling", "category": "leak", "latitude": "22.3",
            "longitude": "114.1", "contact_email": "a@example.com"}  # fmt: skip
    response = client.post("/api/v1/cases/", data=json.dumps(body),
                           content_type="application/json", HTTP_X_API_KEY="k")  # fmt: skip
    assert response.status_code == 201
    case = Case.objects.get()
    rows = [
        (case, {"reference"}),
        (CaseMessage.objects.filter(case=case).order_by("id").first(), {"case_id"}),
        (CaseEvent.objects.filter(case=case).order_by("id").first(), {"case_id"}),
        (AuditEntry.objects.get(action="case.create"), {"object_id", "object_repr", "data"}),
    ]
    for obj, skip in rows:
        _, values = insert_values(obj, skip)
        assert _same(_comparable(obj, values, skip), _prepared_by_fields(obj, skip)), type(obj)


def test_values_not_written_as_they_are_still_go_through_their_field(agency):
    case = Case(agency=agency, kind="complaint", channel="web", subject="s", description="d",
                received_at=datetime(2026, 3, 2, 10, 0), priority=True)  # fmt: skip
    with warnings.catch_warnings(record=True):  # a naive datetime: the field makes it aware
        warnings.simplefilter("always")
        _, values = insert_values(case, {"reference"})
        expected = _prepared_by_fields(case, {"reference"})
    assert _same(_comparable(case, values, {"reference"}), expected)
    received = values[
        insert_columns(Case, {"reference"}).index(connection.ops.quote_name("received_at"))
    ]
    assert getattr(received, "tzinfo", None) is not None or connection.vendor != "postgresql"


def test_columns_and_casts_match_the_values(agency):
    case = Case(agency=agency, kind="complaint", channel="web", subject="s", description="d")
    columns, values = insert_values(case, {"reference"})
    assert columns == insert_columns(Case, {"reference"})
    assert (
        len(insert_casts(Case, {"reference"}))
        == len(insert_casts(case, {"reference"}))
        == len(values)
    )
