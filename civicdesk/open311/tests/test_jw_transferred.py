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
