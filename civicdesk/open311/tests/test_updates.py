"""servicerequestupdates: another system reads status changes and posts its own."""

from datetime import timedelta

import pytest

from civicdesk.cases.models import CaseMessage, CaseStatus, IntakeChannel, Kind, MessageKind
from civicdesk.cases.services import case_create, case_set_status
from civicdesk.open311.models import Update
from civicdesk.open311.tests.conftest import KEY
from civicdesk.open311.tests.factories import ApiKeyFactory
from civicdesk.organisations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
URL = "/open311/v2/servicerequestupdates.json"


@pytest.fixture
def request_case(leak, monday):
    return case_create(agency=leak.agency, category=leak, kind=Kind.SERVICE_REQUEST,
                       channel=IntakeChannel.OPEN311, description="Leak", latitude=22,
                       longitude=114)  # fmt: skip


def post_update(client, case, **data):
    payload = {"api_key": KEY, "service_request_id": case.reference, "update_id": "u1",
               "status": "CLOSED", "description": "Repaired the pipe",
               "updated_datetime": "2026-03-02T03:00:00Z"}  # fmt: skip
    payload.update(data)
    return client.post(URL, {k: v for k, v in payload.items() if v is not None})


def test_get_lists_status_changes_since_a_time(client, api_key, request_case, officer, monday):
    monday.shift(timedelta(hours=1))
    case_set_status(case=request_case, actor=officer.user, status=CaseStatus.IN_PROGRESS,
                    note="Plumber booked")  # fmt: skip
    monday.shift(timedelta(hours=1))
    case_set_status(case=request_case, actor=officer.user, status=CaseStatus.RESOLVED)
    data = client.get(URL, {"api_key": KEY, "start_date": "2026-03-02T02:30:00Z"}).json()
    assert [(u["status"], u["external_status_code"], u["description"]) for u in data] == [
        ("open", "in_progress", "Plumber booked"),
        # Without words of its own, the update is described by its status: never empty.
        ("closed", "resolved", "Resolved"),
    ]
    assert data[0]["service_request_id"] == request_case.reference
    assert data[0]["updated_datetime"] == "2026-03-02T03:00:00Z"
    later = client.get(URL, {"api_key": KEY, "start_date": "2026-03-02T03:30:00Z"}).json()
    assert [u["external_status_code"] for u in later] == ["resolved"]
    xml = client.get(URL.replace(".json", ".xml"), {"api_key": KEY}).content
    assert b"<service_request_updates><request_update><update_id>" in xml


def test_get_needs_a_key(client, request_case):
    response = client.get(URL)
    assert response.status_code == 403
    assert response.json() == [{"code": 403, "description": "api_key is missing or not valid."}]


def test_post_closes_the_case_once(client, api_key, request_case):
    response = post_update(client, request_case)
    assert response.status_code == 200, response.content
    update_id = response.json()[0]["update_id"]
    request_case.refresh_from_db()
    assert request_case.status == CaseStatus.CLOSED
    note = CaseMessage.objects.get(case=request_case, kind=MessageKind.NOTE)
    assert (note.body, note.author_label) == ("Repaired the pipe", "Open311: FixMyStreet")
    again = post_update(client, request_case)
    assert again.json()[0]["update_id"] == update_id
    assert Update.objects.count() == 1
    listed = client.get(URL, {"api_key": KEY}).json()
    assert [(u["update_id"], u["status"], u["media_url"]) for u in listed] == [
        (update_id, "closed", None)
    ]
    post_update(client, request_case, update_id="u2", status="closed", description="Photo",
                media_url="https://example.org/after.jpg")  # fmt: skip
    assert client.get(URL, {"api_key": KEY}).json()[-1]["media_url"] == (
        "https://example.org/after.jpg"
    )
    detail = client.get(f"/open311/v2/requests/{request_case.reference}.json").json()[0]
    assert (detail["status"], detail["status_notes"]) == ("closed", "Closed")


def test_post_open_reopens_and_a_note_alone_keeps_status(client, api_key, request_case):
    post_update(client, request_case, update_id="u1", status="closed")
    post_update(client, request_case, update_id="u2", status="open", description="Still leaking")
    request_case.refresh_from_db()
    assert request_case.status == CaseStatus.IN_PROGRESS
    post_update(client, request_case, update_id="u3", status="open", description="Photo sent")
    request_case.refresh_from_db()
    assert request_case.status == CaseStatus.IN_PROGRESS
    assert request_case.events.filter(action="open311_update").count() == 1


def test_reopen_window(client, api_key, request_case, monday):
    post_update(client, request_case, update_id="u1", status="closed")
    monday.shift(timedelta(days=31))
    response = post_update(client, request_case, update_id="u2", status="open")
    assert response.status_code == 409
    request_case.refresh_from_db()
    assert request_case.status == CaseStatus.CLOSED


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({"update_id": None}, 400),
        ({"status": "exploded"}, 400),
        ({"service_request_id": "HSG-2026-999999"}, 404),
        ({"updated_datetime": "tuesday"}, 400),
        ({"status": "open", "description": ""}, 400),
        ({"media_url": "ftp://x"}, 400),
    ],
)
def test_bad_updates_change_nothing(client, api_key, request_case, change, status):
    response = post_update(client, request_case, **change)
    assert response.status_code == status
    assert response.json()[0]["code"] == status
    request_case.refresh_from_db()
    assert request_case.status == CaseStatus.NEW
    assert Update.objects.count() == 0


def test_agency_key_sees_and_updates_only_its_agency(client, request_case):
    ApiKeyFactory(name="roads", agency=AgencyFactory(code="TRN"), key=KEY)
    assert post_update(client, request_case).status_code == 403
    assert client.get(URL, {"api_key": KEY}).json() == []
