"""A client that posted a request can still read it back after staff transfer it to another
agency without picking that agency's category: same id, the agency now responsible, and JSON
that still validates against the community schema."""

import pytest

from civicdesk.cases.services import case_transfer
from civicdesk.open311.tests.conftest import KEY
from civicdesk.organisations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_a_transferred_request_can_still_be_read(client, api_key, leak, officer, monday, schema):
    posted = client.post("/open311/v2/requests.json", {
        "api_key": KEY, "service_code": f"{leak.agency.code}-leak", "lat": "22.3",
        "long": "114.2", "description": "Water through the ceiling"})  # fmt: skip
    assert posted.status_code == 201, posted.content
    reference = posted.json()[0]["service_request_id"]
    other = AgencyFactory(code="ENV", name="Environment Agency")
    from civicdesk.cases.models import Case

    case_transfer(case=Case.objects.get(reference=reference), actor=officer.user,
                  to_agency=other, reason="Not ours")  # fmt: skip
    for url in (f"/open311/v2/requests/{reference}.json", "/open311/v2/requests.json"):
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        schema("requests.json").validate(data)
        mine = [r for r in data if r["service_request_id"] == reference]
        assert len(mine) == 1
        assert mine[0]["agency_responsible"] == "Environment Agency"
        assert mine[0]["status"] == "open"
    xml = client.get(f"/open311/v2/requests/{reference}.xml")
    assert xml.status_code == 200 and reference.encode() in xml.content


def test_a_transfer_reaches_the_updates_feed_without_the_staff_reason(client, api_key, leak,
                                                                      officer, monday):  # fmt: skip
    from civicdesk.cases.models import Case
    from civicdesk.open311.tests.factories import ApiKeyFactory

    posted = client.post("/open311/v2/requests.json", {
        "api_key": KEY, "service_code": f"{leak.agency.code}-leak", "lat": "22.3",
        "long": "114.2", "description": "Water through the ceiling"})  # fmt: skip
    reference = posted.json()[0]["service_request_id"]
    other = AgencyFactory(code="ENV", name="Environment Agency")
    case_transfer(case=Case.objects.get(reference=reference), actor=officer.user,
                  to_agency=other, reason="Internal: the lift team is short-staffed")  # fmt: skip
    ApiKeyFactory(name="Back office", key="hsg-only-key", agency=leak.agency)
    for key in (KEY, "hsg-only-key"):  # city-wide, and the agency that sent it away
        updates = client.get("/open311/v2/servicerequestupdates.json",
                             {"api_key": key, "service_request_id": reference}).json()  # fmt: skip
        (moved,) = [u for u in updates if u["external_status_code"] == "transferred"]
        assert moved["status"] == "open"
        assert moved["description"] == "Transferred to Environment Agency"
        assert "short-staffed" not in str(updates)
