import pytest

from civicdesk.open311.models import ApiKey, hash_api_key
from civicdesk.organisations.tests.test_sign_in import sign_in_as_django_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    sign_in_as_django_admin(client)
    return client


def test_adding_a_key_in_the_admin_shows_it_once(admin_client, agency):
    response = admin_client.post(
        "/admin/open311/apikey/add/",
        {"name": "Roads app", "agency": agency.pk, "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    api_key = ApiKey.objects.get()
    shown = next(str(m) for m in response.context["messages"])
    key = shown.split("The new api_key is ")[1].split(" ")[0]
    assert api_key.key_hash == hash_api_key(key)
    assert (
        key not in admin_client.get(f"/admin/open311/apikey/{api_key.pk}/change/").content.decode()
    )
