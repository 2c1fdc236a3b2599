"""The cases JSON API: create (idempotent), read, act; errors are 4xx with a message."""

import base64
import json

import pytest

from civicdesk.cases.api import hash_key
from civicdesk.cases.models import Case, IntakeKey
from civicdesk.cases.tests.factories import JPEG
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/cases/"


@pytest.fixture
def key(agency):
    IntakeKey.objects.create(agency=agency, name="chatbot", key_hash=hash_key("secret-key"))
    return "secret-key"


def _post(client, path, payload, **headers):
    return client.post(path, data=json.dumps(payload), content_type="application/json", **headers)


def test_create_with_key_is_idempotent(client, monday, key, leak):
    payload = {"kind": "complaint", "category": "leak", "description": "Ceiling leaks",
               "contact_email": "chan@example.org", "language": "zh-hant",
               "attachments": [{"filename": "a.jpg", "content_base64": base64.b64encode(JPEG).decode()}]}  # fmt: skip
    first = _post(client, URL, payload, HTTP_X_API_KEY=key, HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["reference"] == "HSG-2026-000001" and body["created"] is True
    assert body["reply_due_at"].startswith("2026-03-16T")
    again = _post(client, URL, payload, HTTP_X_API_KEY=key, HTTP_IDEMPOTENCY_KEY="abc")
    assert again.status_code == 200 and again.json()["reference"] == body["reference"]
    assert Case.objects.count() == 1 and Case.objects.get().attachments.count() == 1


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"description": "x", "category": "nope"}, 422),
        ({"description": "x", "kind": "rant"}, 422),
        ({"description": ""}, 422),
        ({"description": "x", "contact_email": "bad"}, 422),
        (
            {"description": "x", "attachments": [{"filename": "a.exe", "content_base64": "TVo="}]},
            422,
        ),
        ({"description": "x", "attachments": [{"filename": "a.jpg", "content_base64": "!!"}]}, 422),
        ({"description": "x", "agency": "TRN"}, 403),
    ],
)
def test_bad_input_is_a_clear_4xx_and_no_case(client, key, leak, payload, status):
    response = _post(client, URL, payload, HTTP_X_API_KEY=key)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("field", ["description", "address", "contact_name", "subject"])
def test_a_nul_character_is_a_clear_4xx_and_no_case(client, key, leak, field):
    payload = {"description": "Leak", "category": "leak", field: "Block\x00C"}
    response = _post(client, URL, payload, HTTP_X_API_KEY=key)
    assert response.status_code == 422 and "NUL" in response.json()["detail"]
    assert not Case.objects.exists()


def test_missing_or_wrong_key_is_401(client, agency):
    assert _post(client, URL, {"description": "x", "agency": "HSG"}).status_code == 401
    assert _post(client, URL, {"description": "x"}, HTTP_X_API_KEY="wrong").status_code == 401


def test_staff_reads_and_acts_within_scope(client, monday, key, leak, officer, other_agency):
    ref = _post(
        client, URL, {"description": "Leak", "category": "leak"}, HTTP_X_API_KEY=key
    ).json()["reference"]
    client.force_login(officer.user)
    listed = client.get(URL).json()
    assert [c["reference"] for c in listed["items"]] == [ref]
    detail = client.get(f"{URL}{ref}").json()
    assert detail["department"] == "MAINT" and detail["messages"][0]["body"] == "Leak"
    moved = _post(client, f"{URL}{ref}/status", {"status": "acknowledged"})
    assert moved.status_code == 200 and moved.json()["status"] == "acknowledged"
    illegal = _post(client, f"{URL}{ref}/status", {"status": "new"})
    assert illegal.status_code == 409
    assert _post(client, f"{URL}{ref}/notes", {"body": "Called the tenant"}).status_code == 200
    stranger = StaffFactory(agency=other_agency, role=Role.QSM)
    client.force_login(stranger.user)
    assert client.get(f"{URL}{ref}").status_code == 404


def test_not_a_duplicate_over_the_api(client, monday, key, leak, officer):
    body = {"description": "Leak", "category": "leak", "contact_email": "z@example.org"}
    first = _post(client, URL, body, HTTP_X_API_KEY=key).json()["reference"]
    second = _post(client, URL, {**body, "description": "Noise"}, HTTP_X_API_KEY=key).json()
    assert second["possible_duplicate_of"] == first
    assert _post(client, f"{URL}{second['reference']}/not-duplicate", {}).status_code == 401
    client.force_login(officer.user)
    cleared = _post(client, f"{URL}{second['reference']}/not-duplicate", {"reason": "Noise"})
    assert cleared.status_code == 200 and cleared.json()["possible_duplicate_of"] is None
    again = _post(client, f"{URL}{second['reference']}/not-duplicate", {})
    assert again.status_code == 409 and again.json()["code"] == "not_flagged"


def test_categories_are_public(client, leak):
    response = client.get(f"{URL}categories?agency=HSG")
    assert response.status_code == 200
    assert response.json()[0]["code"] == "leak"


def test_signed_in_staff_can_create_for_their_agency_only(
    client, monday, leak, officer, other_agency
):
    client.force_login(officer.user)
    created = _post(
        client, URL, {"description": "Caller says leak", "agency": "HSG", "channel": "phone"}
    )
    assert created.status_code == 201 and created.json()["reference"].startswith("HSG-")
    refused = _post(client, URL, {"description": "x", "agency": other_agency.code})
    assert refused.status_code == 403
