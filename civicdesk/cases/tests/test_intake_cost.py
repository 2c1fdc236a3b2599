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


def test_the_write_statement_is_parsed_once_per_process_and_prepared(client, monday, key, leak):
    """PostgreSQL: the one statement that writes a case (~75 parameters) keeps its parsed form
    in psycopg's cache from one intake to the next (core/inserts.py raises psycopg's limits),
    and once it has run `prepare_threshold` times PostgreSQL keeps it prepared: later cases
    send only its values (`bound_cursor`)."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement write runs on PostgreSQL")
    from psycopg import _queries

    from civicdesk.core.inserts import bound_cursor

    _post(client, {"description": "Warm-up", "category": "leak"})
    before = _queries._query2pg.cache_info()
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert threshold is not None
    for n in range(threshold + 1):
        assert _post(client, {"description": f"Case {n}", "category": "leak"}).status_code == 201
    after = _queries._query2pg.cache_info()
    assert after.misses == before.misses  # nothing parsed anew, the write statement included
    assert after.hits - before.hits >= threshold  # the write statement, once per case
    with bound_cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('INSERT INTO "cases_case"' in sql for sql in prepared), prepared
    # And the query log still shows the statement with its values, as for any other.
    with CaptureQueriesContext(connection) as captured:
        _post(client, {"description": "Logged", "category": "leak"})
    assert any("'Logged'" in q["sql"] and "cases_case" in q["sql"] for q in captured), [
        q["sql"][:80] for q in captured
    ]


def _writes(client, payload) -> tuple[object, list[tuple[str, bool]]]:
    """The response, and each statement the request ran with whether a transaction was open."""
    ran: list[tuple[str, bool]] = []

    def note(execute, sql, params, many, context):
        ran.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        response = _post(client, payload)
    return response, ran


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_case_with_a_category_is_one_statement_that_commits_itself(
    client, monday, key, leak
):
    """PostgreSQL: nothing else to write, so no BEGIN and COMMIT around the write: the statement
    is its own transaction, and every row of the case is there once it answers."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement write runs on PostgreSQL")
    from civicdesk.audit.models import AuditEntry

    _post(client, {"description": "Warm-up", "category": "leak"})
    payload = {"description": "A pothole", "category": "leak", "latitude": "22.3",
               "longitude": "114.1"}  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        response, ran = _writes(client, payload)
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in captured.captured_queries]
    assert not any(s.split()[0].upper() in ("BEGIN", "COMMIT", "SAVEPOINT") for s in statements), (
        "\n".join(statements)
    )
    writes = [(sql, atomic) for sql, atomic in ran if "INSERT INTO" in sql]
    assert len(writes) == 1 and writes[0][1] is False  # one write, outside any transaction
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.messages.count() == 1 and case.events.filter(action="created").count() == 1
    assert AuditEntry.objects.filter(action="case.create", object_id=str(case.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_case_with_a_contact_writes_its_acknowledgement_in_the_same_transaction(
    client, monday, key, leak
):
    """The acknowledgement goes to the outbox with the case, or neither is stored."""
    from civicdesk.notify.models import OutboxMessage

    _post(client, {"description": "Warm-up", "category": "leak"})
    response, ran = _writes(
        client, {"description": "Leak", "category": "leak", "contact_email": "mei@example.org"}
    )
    assert response.status_code == 201, response.content
    writes = [atomic for sql, atomic in ran if sql.lstrip().upper().startswith(("INSERT", "WITH"))]
    assert writes and all(writes)  # every write inside the one transaction
    assert OutboxMessage.objects.filter(to="mei@example.org").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_first_case_of_a_year_without_a_transaction_around_it_is_numbered_one(
    client, monday, key, leak
):
    from civicdesk.cases.models import ReferenceCounter

    ReferenceCounter.objects.all().delete()
    response = _post(client, {"description": "The first", "category": "leak"})
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    assert reference.endswith("-000001")
    counter = ReferenceCounter.objects.get()
    assert counter.last == 1
    case = Case.objects.get(reference=reference)
    assert case.messages.count() == 1 and case.events.filter(action="created").count() == 1
    second = _post(client, {"description": "The second", "category": "leak"}).json()
    assert second["reference"].endswith("-000002")


@pytest.mark.django_db(transaction=True)
def test_a_repeated_key_without_a_transaction_around_it_gives_the_first_case_and_no_number(
    client, monday, key, leak
):
    payload = {"description": "Pothole by the school", "category": "leak"}
    first = _post(client, payload, HTTP_IDEMPOTENCY_KEY="same")
    again = _post(client, payload, HTTP_IDEMPOTENCY_KEY="same")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["reference"] == first.json()["reference"]
    assert Case.objects.filter(description="Pothole by the school").count() == 1
    following = _post(client, {"description": "Next", "category": "leak"}).json()["reference"]
    number = int(first.json()["reference"].rsplit("-", 1)[1])
    assert following.endswith(f"-{number + 1:06d}")  # the repeat took no number
