"""A client's first and last names at their limits make a case; past them, the error names the
field the client sent (not the case's combined name, which it never sent)."""

import pytest

from civicdesk.cases.models import Case
from civicdesk.open311.tests.conftest import KEY

pytestmark = pytest.mark.django_db


def _post(client, leak, **names):
    return client.post("/open311/v2/requests.json", {
        "api_key": KEY, "service_code": f"{leak.agency.code}-leak", "lat": "22.3",
        "long": "114.2", "description": "Water through the ceiling", **names})  # fmt: skip


def test_names_at_their_limits_are_accepted_whole(client, api_key, leak, monday):
    response = _post(client, leak, first_name="F" * 99, last_name="L" * 100)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()[0]["service_request_id"])
    assert case.contact_name == "F" * 99 + " " + "L" * 100


def test_a_name_past_its_limit_is_named_in_the_error(client, api_key, leak, monday):
    response = _post(client, leak, first_name="F" * 100, last_name="L" * 100)
    assert response.status_code == 400
    (error,) = response.json()
    assert "first_name" in error["description"]
    assert not Case.objects.exists()
