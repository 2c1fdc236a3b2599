"""The agency's replies to the citizen reach Open311 clients: in status_notes (for a client with
a key: a reply is a letter to one person) and as the description of an update."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.cases.models import CaseStatus, IntakeChannel, Kind
from civicdesk.cases.services import case_create, case_note_add, case_reply
from civicdesk.open311.tests.conftest import KEY
from civicdesk.open311.tests.factories import ApiKeyFactory
from civicdesk.organisations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
PLUMBER = "A plumber will visit on Thursday"


def _request_case(leak):
    return case_create(agency=leak.agency, category=leak, kind=Kind.SERVICE_REQUEST,
                       channel=IntakeChannel.OPEN311, description="Leak", latitude=22,
                       longitude=114)  # fmt: skip


@pytest.fixture
def replied_case(leak, monday, officer):
    case = _request_case(leak)
    monday.shift(timedelta(hours=1))
    case_reply(case=case, actor=officer.user, body="We have booked a plumber.")
    monday.shift(timedelta(hours=1))
    case_note_add(case=case, actor=officer.user, body="Tenant is difficult, call the lead")
    case_reply(case=case, actor=officer.user, body=f"  {PLUMBER}\n",
               then_status=CaseStatus.RESOLVED)  # fmt: skip
    return case


def test_status_notes_carry_the_latest_reply_for_a_key(client, schema, api_key, replied_case):
    url = f"/open311/v2/requests/{replied_case.reference}.json"
    data = client.get(url, {"api_key": KEY}).json()
    schema("requests.json").validate(data)
    assert (data[0]["status"], data[0]["status_notes"]) == ("closed", PLUMBER)
    listed = client.get("/open311/v2/requests.json", {"api_key": KEY}).json()
    schema("requests.json").validate(listed)
    assert listed[0]["status_notes"] == PLUMBER
    xml = client.get(url.replace(".json", ".xml"), {"api_key": KEY}).content.decode()
    assert f"<status_notes>{PLUMBER}</status_notes>" in xml
    # The public, without a key, reads the status only; never the officer's name or a note.
    assert client.get(url).json()[0]["status_notes"] == "Resolved"
    other = ApiKeyFactory(name="Other", key="other-agency-key", agency=AgencyFactory(code="TRN"))
    assert client.get(url, {"api_key": "other-agency-key"}).json()[0]["status_notes"] == (
        "Resolved"
    )
    assert other.pk


def test_status_notes_are_trimmed(client, api_key, leak, monday, officer):
    case = _request_case(leak)
    case_reply(case=case, actor=officer.user, body="word " * 400)
    notes = client.get(f"/open311/v2/requests/{case.reference}.json", {"api_key": KEY}).json()
    assert len(notes[0]["status_notes"]) <= 500
    assert notes[0]["status_notes"].endswith("…")


def test_updates_describe_each_reply(client, api_key, replied_case):
    data = client.get("/open311/v2/servicerequestupdates.json", {"api_key": KEY}).json()
    described = [(u["status"], u["description"]) for u in data]
    assert described == [
        ("closed", "We have booked a plumber."),  # a reply says the request's status now
        ("open", "In progress"),
        ("closed", PLUMBER),
        ("closed", "Resolved"),
    ]
    assert "difficult" not in str(data)  # never the internal note


def test_request_list_queries_do_not_grow_with_replies(client, api_key, leak, monday, officer):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/open311/v2/requests.json", {"api_key": KEY}).status_code == 200
        return len(queries)

    case_reply(case=_request_case(leak), actor=officer.user, body="One")
    one = count()
    for n in range(3):
        case_reply(case=_request_case(leak), actor=officer.user, body=f"Reply {n}")
    assert count() == one
