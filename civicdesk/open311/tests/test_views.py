"""The GeoReport v2 endpoints through Django's test client: fields, formats, filters, errors."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import time_machine

from civicdesk.cases.models import Case, CaseStatus, IntakeChannel, Kind
from civicdesk.cases.services import case_create, case_set_status
from civicdesk.open311.models import Submission
from civicdesk.open311.render import w3c
from civicdesk.open311.tests.conftest import KEY, post_request
from civicdesk.open311.tests.factories import ApiKeyFactory

pytestmark = pytest.mark.django_db


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314  (our own server's output)


def test_discovery_lists_this_endpoint(client, schema):
    data = client.get("/open311/v2/discovery.json").json()
    endpoint = data["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = parse(client.get("/open311/v2/discovery.xml").content)
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


def test_services_in_json_and_xml(client, schema, leak, severity):
    response = client.get("/open311/v2/services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = response.json()
    schema("services.json").validate(services)
    assert services == [
        {
            "service_code": "HSG-leak",
            "service_name": "Water leak",
            "description": "Water leak",
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": "Estate Maintenance",
        }
    ]
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    service = parse(response.content).find("service")
    assert service.findtext("service_code") == "HSG-leak"
    assert service.findtext("metadata") == "true"


def test_jurisdiction_narrows_or_is_not_found(client, leak, other_agency):
    assert len(client.get("/open311/v2/services.json?jurisdiction_id=civicdesk").json()) == 1
    assert len(client.get("/open311/v2/services.json?jurisdiction_id=hsg").json()) == 1
    assert client.get("/open311/v2/services.json?jurisdiction_id=trn").json() == []
    response = client.get("/open311/v2/services.json?jurisdiction_id=atlantis")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "jurisdiction_id not found."}]


def test_service_definition_with_attributes(client, schema, severity, floor):
    data = client.get("/open311/v2/services/HSG-leak.json").json()
    schema("service-definition.json").validate(data)
    assert [a["code"] for a in data["attributes"]] == ["floor", "severity"]
    assert data["attributes"][1] == {
        "variable": True,
        "code": "severity",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 2,
        "description": "How bad is the leak?",
        "values": [{"key": "drip", "name": "Dripping"}, {"key": "flood", "name": "Flooding"}],
    }
    root = parse(client.get("/open311/v2/services/HSG-leak.xml").content)
    assert root.tag == "service_definition"
    values = root.findall("attributes/attribute/values/value")
    assert [v.findtext("key") for v in values] == ["drip", "flood"]


def test_unknown_service_is_404_in_both_formats(client, leak):
    response = client.get("/open311/v2/services/HSG-nothing.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404
    response = client.get("/open311/v2/services/nothing.xml")
    error = parse(response.content).find("error")
    assert (response.status_code, error.findtext("code")) == (404, "404")


def test_post_creates_a_case_and_reads_back(client, schema, monday, api_key, severity, floor):
    response = post_request(
        client,
        email="Mei@Example.org",
        first_name="Mei",
        last_name="Chan",
        address_string="Block 3, Harbour Estate",
        media_url="https://example.org/leak.jpg",
        **{"attribute[floor]": "12"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    case = Case.objects.get(reference=created[0]["service_request_id"])
    assert (case.kind, case.channel, case.category.code) == (
        Kind.SERVICE_REQUEST, IntakeChannel.OPEN311, "leak",
    )  # fmt: skip
    assert case.contact_email == "mei@example.org"
    assert case.contact_name == "Mei Chan"
    assert "How bad is the leak?: Dripping" in case.description
    assert "Which floor?: 12" in case.description
    assert case.open311_submission.attributes == {"severity": "drip", "floor": "12"}
    assert created[0]["token"] == case.open311_submission.token
    assert created[0]["service_notice"].startswith("We acknowledge within 8 working hours")

    listed = client.get(f"/open311/v2/requests/{case.reference}.json").json()
    schema("requests.json").validate(listed)
    request = listed[0]
    assert request["service_request_id"] == case.reference
    assert request["status"] == "open"
    assert request["service_code"] == "HSG-leak"
    assert request["requested_datetime"] == "2026-03-02T02:00:00Z"
    # The reply promise of the category's standard: 10 working days, by the end of 16 March.
    assert request["expected_datetime"] == "2026-03-16T09:00:00Z"
    assert request["expected_datetime"] == w3c(case.reply_due_at)
    assert (request["lat"], request["long"]) == (22.3, 114.17)
    assert request["media_url"] == "https://example.org/leak.jpg"
    assert request["address"] == "Block 3, Harbour Estate"
    assert request["agency_responsible"] == "Housing"
    assert "mei@example.org" not in str(listed)  # contacts are never published

    xml = parse(client.get(f"/open311/v2/requests/{case.reference}.xml").content)
    assert xml.tag == "service_requests"
    assert xml.find("request/service_request_id").text == case.reference
    assert xml.find("request/zipcode").text is None


def test_token_resolves_to_the_request(client, api_key, severity):
    created = post_request(client).json()[0]
    data = client.get(f"/open311/v2/tokens/{created['token']}.json").json()
    assert data == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]
    assert client.get("/open311/v2/tokens/nope.json").status_code == 404


def test_post_xml_answer(client, api_key, severity):
    response = post_request(client, fmt="xml")
    assert response.status_code == 201
    root = parse(response.content)
    assert root.find("request/service_request_id").text.startswith("HSG-")


def test_idempotency_key_gives_one_case(client, api_key, severity):
    first = post_request(client, headers={"Idempotency-Key": "abc"})
    second = post_request(client, headers={"Idempotency-Key": "abc"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Case.objects.count() == Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"api_key": None}, 403, "api_key is missing or not valid."),
        ({"api_key": "wrong"}, 403, "api_key is missing or not valid."),
        ({"service_code": None}, 400, "service_code is required."),
        ({"service_code": "HSG-nope"}, 404, "service_code HSG-nope not found."),
        ({"lat": "north", "long": "114"}, 400, "lat and long must be WGS84 decimal degrees."),
        ({"lat": "91", "long": "114"}, 400, "lat must be -90 to 90 and long -180 to 180."),
        ({"lat": "NaN", "long": "114"}, 400, "lat must be -90 to 90 and long -180 to 180."),
        ({"long": None}, 400, "Give both lat and long, or neither."),
        ({"lat": None, "long": None}, 400,
         "Give a location: lat and long, address_string or address_id."),
        ({"description": "x" * 4001}, 400, "description must be 4000 characters or fewer."),
        ({"address_string": "x" * 301}, 400, "address_string must be 300 characters or fewer."),
        ({"email": "not-an-email"}, 400, "email is not a valid email address."),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url must be an http or https URL."),
        ({"attribute[severity]": None}, 400, "Attribute severity is required."),
        ({"attribute[severity]": "tsunami"}, 400,
         "Attribute severity has a value that is not in its list."),
        ({"attribute[floor]": "ten"}, 400, "Attribute floor must be a number."),
        ({"attribute[colour]": "red"}, 400, "Unknown attribute colour for this service."),
        ({"jurisdiction_id": "atlantis"}, 404, "jurisdiction_id not found."),
        ({"description": "nul\x00byte"}, 400, "description contains a NUL character."),
    ],
)  # fmt: skip
def test_bad_posts_are_refused_and_store_nothing(client, api_key, severity, floor, change,
                                                 status, text):  # fmt: skip
    response = post_request(client, **change)
    assert response.status_code == status
    assert response.json() == [{"code": status, "description": text}]
    assert Case.objects.count() == 0
    assert Submission.objects.count() == 0


def test_agency_key_cannot_post_to_another_agency(client, leak, other_agency):
    ApiKeyFactory(name="transport app", agency=other_agency, key=KEY)
    response = post_request(client, **{"attribute[severity]": None})
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_wrong_method_and_format(client, leak):
    assert client.delete("/open311/v2/requests.json").status_code == 405
    assert client.get("/open311/v2/services.html").status_code == 400
    assert client.post("/open311/v2/services.json").status_code == 405


@pytest.fixture
def three_requests(leak, monday):
    cases = []
    for n in range(3):
        cases.append(case_create(agency=leak.agency, category=leak, kind=Kind.SERVICE_REQUEST,
                                 channel=IntakeChannel.WEB, description=f"Leak {n}",
                                 latitude=22 + n, longitude=114))  # fmt: skip
        monday.shift(3600)
    case_create(agency=leak.agency, category=leak, kind=Kind.COMPLAINT, channel=IntakeChannel.WEB,
                description="A private complaint")  # fmt: skip
    return cases


def test_requests_filters(client, schema, three_requests, officer):
    first, second, third = three_requests
    case_set_status(case=first, actor=officer.user, status=CaseStatus.CLOSED, note="Fixed it")

    def ids(query=""):
        data = client.get(f"/open311/v2/requests.json{query}").json()
        schema("requests.json").validate(data)
        return [r["service_request_id"] for r in data]

    assert ids() == [third.reference, second.reference, first.reference]  # no complaint
    assert ids("?status=closed") == [first.reference]
    assert ids("?status=open") == [third.reference, second.reference]
    assert ids(f"?service_request_id={first.reference},{third.reference}&status=open") == [
        third.reference,
        first.reference,
    ]
    assert ids("?start_date=2026-03-02T02:30:00Z&end_date=2026-03-02T03:30:00Z") == [
        second.reference
    ]
    assert ids("?service_code=TRN-pothole") == []
    assert ids("?service_code=HSG-leak&page_size=2&page=2") == [first.reference]
    closed = client.get(f"/open311/v2/requests/{first.reference}.json").json()[0]
    assert closed["status_notes"] == "Closed"  # never the staff note: it may be internal
    assert closed["updated_datetime"] == "2026-03-02T05:00:00Z"


@pytest.mark.parametrize(
    "query",
    [
        "?status=pending",
        "?start_date=yesterday",
        "?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "?start_date=2026-03-02T00:00:00Z&end_date=2026-03-01T00:00:00Z",
        "?page_size=0",
    ],
)
def test_bad_request_filters(client, leak, query):
    response = client.get(f"/open311/v2/requests.xml{query}")
    assert response.status_code == 400
    assert parse(response.content).find("error/code").text == "400"


def test_private_cases_are_not_requests(client, leak):
    case = case_create(agency=leak.agency, category=leak, kind=Kind.COMPLAINT,
                       channel=IntakeChannel.WEB, description="About my neighbour")  # fmt: skip
    assert client.get(f"/open311/v2/requests/{case.reference}.json").status_code == 404


def test_list_query_count_does_not_grow(client, three_requests, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert len(client.get("/open311/v2/requests.json").json()) == 3


@time_machine.travel("2026-03-02T02:00:00Z", tick=False)
def test_default_window_is_90_days(client, leak):
    old = case_create(agency=leak.agency, category=leak, kind=Kind.SERVICE_REQUEST,
                      channel=IntakeChannel.WEB, description="Old leak",
                      received_at=datetime(2025, 11, 1, tzinfo=UTC))  # fmt: skip
    assert client.get("/open311/v2/requests.json").json() == []
    assert client.get(f"/open311/v2/requests/{old.reference}.json").status_code == 200


def test_too_many_fields_is_a_spec_error(client, api_key, severity):
    response = post_request(client, **{f"x{n}": "1" for n in range(1100)})
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "The request is too large."}]
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "path", ["requests/HSG%00x.json", "services/HSG-%00.json", "tokens/%00.json",
             "request/%00.xml"],
)  # fmt: skip
def test_nul_bytes_in_the_path_are_not_found(client, leak, path):
    response = client.get(f"/open311/v2/{path}")
    assert response.status_code == 404
    assert response.json() if path.endswith(".json") else response.content.startswith(b"<?xml")
