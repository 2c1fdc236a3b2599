"""A citizen who starts at the home page finds the queues and appointments (journeys 4 and 5):
the home page linked cases and pledges only, so /queues/ was reachable by its address alone."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_links_the_queues_and_appointments(client):
    page = client.get("/").content.decode()
    assert 'href="/queues/"' in page
