"""Open311 edges: a request transferred without a category names its service consistently
("" code, "" name); a NUL in jurisdiction_id (query or form body) is a 400 in the spec's error
list; the updates feed takes page_size like requests does; names refuse control characters."""

from datetime import timedelta

import pytest

from civicdesk.cases.models import Case, CaseStatus, IntakeChannel, Kind
from civicdesk.cases.services import case_create, case_set_status, case_transfer
from civicdesk.open311.tests.conftest import KEY, post_request
from civicdesk.organisations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _spec_error(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body, list) and body
    assert all(set(error) == {"code", "description"} for error in body)
    assert body[0]["code"] == status
    return body[0]["description"]


def test_a_request_without_a_category_has_empty_code_and_name(client, api_key, severity,
                                                             officer, monday, schema):  # fmt: skip
    posted = post_request(client)
    reference = posted.json()[0]["service_request_id"]
    case_transfer(case=Case.objects.get(reference=reference), actor=officer.user,
                  to_agency=AgencyFactory(code="ENV", name="Environment Agency"),
                  reason="Not ours")  # fmt: skip
    (request,) = client.get(f"/open311/v2/requests/{reference}.json").json()
    schema("requests.json").validate([request])
    assert request["service_code"] == ""
    assert request["service_name"] == ""
    (listed,) = [r for r in client.get("/open311/v2/requests.json").json()
                 if r["service_request_id"] == reference]  # fmt: skip
    assert (listed["service_code"], listed["service_name"]) == ("", "")


@pytest.mark.parametrize(
    "path",
    ["services.json", "services/HSG-leak.json", "requests.json", "requests/HSG-2026-000001.json",
     "servicerequestupdates.json"],
)  # fmt: skip
def test_nul_in_jurisdiction_id_in_the_query_is_a_spec_400(client, api_key, leak, path):
    response = client.get(f"/open311/v2/{path}", {"jurisdiction_id": "civic\x00desk",
                                                  "api_key": KEY})  # fmt: skip
    assert _spec_error(response) == "jurisdiction_id contains a NUL character."


def test_nul_in_jurisdiction_id_in_the_query_of_xml_is_the_xml_error_list(client, leak):
    response = client.get("/open311/v2/services.xml", {"jurisdiction_id": "\x00"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml")
    assert b"<errors><error><code>400</code>" in response.content


@pytest.mark.parametrize("key", [KEY, "not-a-key"])
def test_nul_in_jurisdiction_id_in_the_body_is_a_spec_400(client, api_key, severity, key):
    before = Case.objects.count()
    response = post_request(client, api_key=key, jurisdiction_id="civicdesk\x00")
    assert _spec_error(response) == "jurisdiction_id contains a NUL character."
    updates = client.post("/open311/v2/servicerequestupdates.json",
                          {"api_key": key, "jurisdiction_id": "\x00"})  # fmt: skip
    assert _spec_error(updates) == "jurisdiction_id contains a NUL character."
    assert Case.objects.count() == before


@pytest.fixture
def three_updates(api_key, leak, officer, monday):
    case = case_create(agency=leak.agency, category=leak, kind=Kind.SERVICE_REQUEST,
                       channel=IntakeChannel.OPEN311, description="Leak in block A",
                       latitude=22, longitude=114)  # fmt: skip
    for status in (CaseStatus.ACKNOWLEDGED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED):
        monday.shift(timedelta(minutes=10))
        case_set_status(case=case, actor=officer.user, status=status)
    return case


def test_updates_take_page_size_and_page(client, three_updates):
    url = "/open311/v2/servicerequestupdates.json"

    def codes(**params):
        response = client.get(url, {"api_key": KEY, **params})
        assert response.status_code == 200, response.content
        return [u["external_status_code"] for u in response.json()]

    assert codes() == ["acknowledged", "in_progress", "resolved"]
    assert codes(page_size="2") == ["in_progress", "resolved"]  # the latest, oldest first
    assert codes(page_size="2", page="2") == ["acknowledged"]
    start = "2026-03-01T00:00:00Z"  # a client paging forward from a date
    assert codes(start_date=start, page_size="2") == ["acknowledged", "in_progress"]
    assert codes(start_date=start, page_size="2", page="2") == ["resolved"]
    for bad in ("0", "1001", "x"):
        assert _spec_error(client.get(url, {"api_key": KEY, "page_size": bad})) == (
            "page_size must be 1 to 1000."
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [("first_name", "Chan\tTai Man"), ("last_name", "Chan\nTai"), ("first_name", "A\x1bB")],
)
def test_names_with_control_characters_are_refused(client, api_key, severity, field, value):
    response = post_request(client, **{field: value})
    assert _spec_error(response) == (
        f"{field} must not contain tabs, line breaks or other control characters."
    )
    assert not Case.objects.exists()


def test_a_plain_name_is_kept(client, api_key, severity):
    response = post_request(client, first_name="Chan", last_name="Tai Man")
    assert response.status_code == 201, response.content
    assert Case.objects.get().contact_name == "Chan Tai Man"
