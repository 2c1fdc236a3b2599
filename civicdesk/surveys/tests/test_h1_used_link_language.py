"""Journey 4 (Aisha answers her survey in Malay): opening her link again says it was already
answered in Malay, the language she was invited in, not her browser's."""

import pytest
from django.urls import reverse

from civicdesk.surveys import services

pytestmark = pytest.mark.django_db


def test_a_used_link_is_explained_in_the_invitations_language(client, agency):
    invitation = services.survey_invite(agency=agency, language="ms")
    url = reverse("surveys:answer", args=[invitation.token])
    key = invitation.version.questions.order_by("position").first().key
    services.response_submit(token=invitation.token, answers={key: "5"}, language="ms")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 409
    html = page.content.decode()
    assert '<html lang="ms"' in html
    assert "This survey has already been answered" not in html


def test_an_unknown_link_keeps_the_browsers_language(client):
    page = client.get(reverse("surveys:answer", args=["nope"]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 404
    assert '<html lang="en"' in page.content.decode()


def test_the_survey_email_names_the_agency_in_the_invitations_language(agency):
    from civicdesk.notify.models import OutboxMessage

    agency.names = {"ms": "Lembaga Perumahan"}
    agency.save()
    services.survey_invite(agency=agency, language="ms", contact_email="aisha@example.org")
    message = OutboxMessage.objects.get(to="aisha@example.org")
    assert "Lembaga Perumahan" in message.subject
    assert agency.name not in message.subject + message.body
