"""What one intake through the API costs, and the per-process caches that keep it low staying
correct: a change saved in this process applies to the very next request."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.cases.api import hash_key
from civicdesk.cases.models import Case, IntakeKey
from civicdesk.organisations.models import Closure

pytestmark = pytest.mark.django_db
URL = "/api/v1/cases/"


@pytest.fixture
def key(agency):
    IntakeKey.objects.create(agency=agency, name="chatbot", key_hash=hash_key("secret-key"))
    return "secret-key"


def _post(client, payload, **headers):
    return client.post(URL, data=json.dumps(payload), content_type="application/json",
                       HTTP_X_API_KEY="secret-key", **headers)  # fmt: skip


def test_an_intake_runs_at_most_twelve_statements_once_warm(client, monday, key, leak):
    _post(client, {"description": "Warm-up", "category": "leak"})
    with CaptureQueriesContext(connection) as captured:
        response = _post(
            client,
            {
                "description": "Water through the ceiling",
                "category": "leak",
                "latitude": "22.3",
                "longitude": "114.1",
            },
            HTTP_IDEMPOTENCY_KEY="k-1",
        )
    assert response.status_code == 201
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) <= 12, "\n".join(statements)
    assert not any("cases_intakekey" in s or "cases_category" in s for s in statements)


def test_a_revoked_key_stops_at_once(client, monday, key, leak):
    assert _post(client, {"description": "One"}).status_code == 201
    intake_key = IntakeKey.objects.get(key_hash=hash_key(key))
    intake_key.is_active = False
    intake_key.save()
    assert _post(client, {"description": "Two"}).status_code == 401


def test_a_deactivated_category_is_refused_at_once(client, monday, key, leak):
    assert _post(client, {"description": "One", "category": "leak"}).status_code == 201
    leak.is_active = False
    leak.save()
    assert _post(client, {"description": "Two", "category": "leak"}).status_code in (400, 422)


def test_a_new_closure_moves_the_next_due_date(client, monday, key, leak):
    first = _post(client, {"description": "One", "category": "leak"}).json()
    Closure.objects.create(agency=leak.agency, date=date(2026, 3, 3), reason="Typhoon")
    second = _post(client, {"description": "Two", "category": "leak"}).json()
    assert second["reply_due_at"] > first["reply_due_at"]
    assert Case.objects.count() == 2


def test_officer_changes_apply_to_the_next_assignment_at_once(client, monday, key, leak):
    from civicdesk.organisations.roles import Role
    from civicdesk.organisations.tests.factories import StaffFactory

    department = leak.department
    first = _post(client, {"description": "One", "category": "leak"}).json()
    assert first["reference"] and Case.objects.get(reference=first["reference"]).assignee is None
    officer = StaffFactory(agency=leak.agency, role=Role.FRONTLINE, departments=[department])
    second = _post(client, {"description": "Two", "category": "leak"}).json()
    assert Case.objects.get(reference=second["reference"]).assignee == officer
    officer.departments.remove(department)  # moved to another team
    third = _post(client, {"description": "Three", "category": "leak"}).json()
    assert Case.objects.get(reference=third["reference"]).assignee is None
    officer.departments.add(department)
    officer.user.is_active = False
    officer.user.save()
    fourth = _post(client, {"description": "Four", "category": "leak"}).json()
    assert Case.objects.get(reference=fourth["reference"]).assignee is None


def test_the_write_statement_is_parsed_once_per_process(client, monday, key, leak):
    """PostgreSQL: the one statement that writes a case (~75 parameters) keeps its parsed form
    in psycopg's cache from one intake to the next (core/inserts.py raises psycopg's limit)."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement write runs on PostgreSQL")
    from psycopg import _queries

    _post(client, {"description": "Warm-up", "category": "leak"})
    before = _queries._query2pg_client.cache_info()
    for n in range(3):
        assert _post(client, {"description": f"Case {n}", "category": "leak"}).status_code == 201
    after = _queries._query2pg_client.cache_info()
    assert after.misses == before.misses  # nothing parsed anew, the write statement included
    assert after.hits - before.hits >= 3  # the write statement, once per case
