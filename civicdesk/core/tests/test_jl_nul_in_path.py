"""A NUL in a page's address is a 404 before any view looks it up: a `<str:token>` segment
matches it, and on PostgreSQL the lookup by it was a 500 (journeys 4 and 5: tampered ticket,
offer, appointment and survey links). The API and Open311 keep answering in their own format."""

import pytest

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/queues/offer/%00/",
    "/queues/appointment/%00/",
    "/queues/appointment/%00/invite.ics",
    "/queues/ticket/%00/",
    "/queues/kiosk/ticket/%00/",
    "/live/ticket/%00/",
    "/s/%00/",
    "/queues/HSG/%00/",
    "/queues/%00/HCC/kiosk/",
    "/suggest/%00/",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_nul_in_the_address_is_not_found_without_a_lookup(
    client, agency, address, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        response = client.get(address)
    assert response.status_code == 404


def test_a_posted_form_with_a_nul_in_the_address_is_not_found(client, agency):
    response = client.post("/queues/offer/%00/", {"action": "accept"})
    assert response.status_code == 404


def test_open311_still_answers_its_own_not_found(client, agency):
    response = client.get("/open311/v2/tokens/%00.json")
    assert response.status_code == 404
    assert response.json()


@pytest.mark.parametrize(
    ("method", "address"),
    [("get", "/api/v1/queues/tickets/%00"), ("post", "/api/v1/queues/tickets/%00/cancel")],
)
def test_the_api_answers_a_nul_in_the_address_with_its_json_404(
    client, agency, method, address, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        response = getattr(client, method)(address)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
