"""An anonymous citizen is not promised a reply we cannot send, nor told that the reference
alone lets them follow the case later (tracking asks for the email or phone they gave)."""

import pytest
from django.utils import translation

from civicdesk.cases.models import Case

pytestmark = pytest.mark.django_db


def test_anonymous_confirmation_is_honest(client, monday, leak):
    with translation.override("en"):
        response = client.post("/cases/new/", {
            "form_token": "tok-anon", "topic": "HSG:leak", "kind": "complaint",
            "description": "Ceiling leaking in the stairwell", "address": "Block C"})  # fmt: skip
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    case = Case.objects.get()
    assert case.reference in page
    assert "We will reply by" not in page
    assert "you will need it to follow your case" not in page
    assert "we cannot reply to you" in page


def test_confirmation_with_an_email_still_promises_the_reply(client, monday, leak):
    with translation.override("en"):
        response = client.post("/cases/new/", {
            "form_token": "tok-mail", "topic": "HSG:leak", "kind": "complaint",
            "description": "Ceiling leaking", "contact_email": "chan@example.org"})  # fmt: skip
        page = client.get(response["Location"]).content.decode()
    assert "We will reply by" in page and "chan@example.org" in page
