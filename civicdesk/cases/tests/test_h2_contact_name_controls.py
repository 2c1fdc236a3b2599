"""A contact name with a tab, a line break or another control character is refused with a
clear message (public form, staff form, API); an email's sender name is tidied instead (the
citizen did not type it into our form, and the email must still become a case)."""

import json

import pytest

from civicdesk.cases.api import hash_key
from civicdesk.cases.models import Case, IntakeKey
from civicdesk.cases.services import case_create
from civicdesk.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db
MESSAGE = "Enter the name without tabs, line breaks or other control characters."
NAMES = ["Chan\tTai Man", "Chan\nTai Man", "Chan\x07Tai", "Chan\x1b[31mTai", "Chan\u2028Tai",
         "Chan\x85Tai"]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_the_service_refuses_them(monday, leak, name):
    with pytest.raises(ValidationFailed) as refused:
        case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                    description="Ceiling leaks", contact_name=name)  # fmt: skip
    assert refused.value.message == MESSAGE
    assert not Case.objects.exists()


def test_surrounding_whitespace_and_plain_names_are_fine(monday, leak):
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Ceiling leaks", contact_name="\t陳大文 Chan Tai-man\n")  # fmt: skip
    assert case.contact_name == "陳大文 Chan Tai-man"


@pytest.mark.parametrize("name", ["Chan\tTai Man", "Chan\x07Tai"])
def test_the_public_form_says_what_is_wrong(client, monday, leak, name):
    response = client.post("/cases/new/", {
        "form_token": "tok-1", "topic": "HSG:leak", "kind": "complaint",
        "description": "Ceiling leaks", "contact_email": "chan@example.org", "contact_name": name,
    })  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="#id_contact_name">{MESSAGE}</a>' in body  # at the field, from the summary
    assert not Case.objects.exists()


def test_the_staff_form_says_what_is_wrong(client, monday, leak, officer):
    client.force_login(officer.user)
    response = client.post("/cases/staff/new/", {
        "channel": "phone", "topic": "HSG:leak", "kind": "enquiry", "description": "Leak",
        "language": "en", "priority": "2", "contact_name": "Chan\nTai Man",
    })  # fmt: skip
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not Case.objects.exists()


def test_the_api_answers_422_with_the_message(client, monday, leak):
    IntakeKey.objects.create(agency=leak.agency, name="bot", key_hash=hash_key("k"))
    response = client.post("/api/v1/cases/", data=json.dumps(
        {"description": "Ceiling leaks", "contact_name": "Chan\tTai"}),
        content_type="application/json", HTTP_X_API_KEY="k")  # fmt: skip
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == MESSAGE
    assert not Case.objects.exists()


def test_an_email_whose_sender_name_has_a_control_character_still_makes_a_case(monday, leak):
    from civicdesk.cases.inbound import inbound_email_accept

    raw = (b"From: =?utf-8?q?Chan=07Tai?=\r\n =?utf-8?q?Man?= <chan@example.org>\r\n"
           b"To: hsg@example.org\r\nSubject: Leak\r\nMessage-ID: <a1@example.org>\r\n\r\n"
           b"The ceiling leaks.\r\n")  # fmt: skip
    result = inbound_email_accept(raw=raw, default_agency=leak.agency)
    assert result.created
    assert result.case.contact_name == "Chan Tai Man"
