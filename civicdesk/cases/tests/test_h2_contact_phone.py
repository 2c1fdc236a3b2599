"""A phone number we cannot text, and that could never find the case on the tracking page, is
refused where it is typed (public form, staff's assisted form, the API and Open311), not
stored and promised to."""

import pytest

from civicdesk.cases.models import Case
from civicdesk.cases.services import case_create
from civicdesk.cases.services.common import phone_is_valid
from civicdesk.core.errors import ValidationFailed
from civicdesk.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("+852 9123 4567", True),
        ("9123-4567", True),
        ("(852) 9123.4567", True),
        ("call me after 6", False),
        ("abc", False),
        ("1234", False),
        ("+852 9123 4567 ext 2", False),
        ("1234567890123456", False),
    ],
)
def test_phone_is_valid(phone, valid):
    assert phone_is_valid(phone) is valid


def test_public_form_says_what_is_wrong_with_the_phone(client, monday, leak):
    response = client.post("/cases/new/", {"form_token": "t", "topic": "HSG:leak",
                                           "kind": "complaint", "description": "Leak",
                                           "contact_phone": "call me"})  # fmt: skip
    assert response.status_code == 200
    assert "Enter a mobile number like +852 9123 4567." in response.content.decode()
    assert not Case.objects.exists() and not OutboxMessage.objects.exists()


def test_case_create_refuses_a_phone_without_a_number(monday, leak):
    with pytest.raises(ValidationFailed) as refused:
        case_create(agency=leak.agency, category=leak, kind="complaint", channel="phone",
                    description="Leak", contact_phone="abc")  # fmt: skip
    assert refused.value.code == "contact_phone"


def test_open311_refuses_a_phone_without_a_number(client, monday, leak):
    from civicdesk.open311.tests.factories import ApiKeyFactory

    ApiKeyFactory(name="App", key="k-h2")
    response = client.post("/open311/v2/requests.json", {
        "api_key": "k-h2", "service_code": "HSG-leak", "address_string": "Block C",
        "description": "Leak", "phone": "abc",
    })  # fmt: skip
    assert response.status_code == 400
    assert response.json() == [
        {"code": 400, "description": "phone must be a phone number of 8 to 15 digits."}
    ]
    assert not Case.objects.exists()
