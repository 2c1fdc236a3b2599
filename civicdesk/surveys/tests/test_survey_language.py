"""A survey answered in Malay says what is missing in Malay, whatever the request's language."""

import pytest
from django.urls import reverse

from civicdesk.surveys import services
from civicdesk.surveys.models import Response

pytestmark = pytest.mark.django_db


def test_errors_of_a_malay_survey_are_in_malay(client, agency):
    invitation = services.survey_invite(agency=agency, language="ms")
    page = client.post(
        reverse("surveys:answer", args=[invitation.token]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert '<html lang="ms"' in html
    assert "Pilih jawapan bagi soalan ini." in html
    assert "Choose an answer to this question." not in html
    assert Response.objects.count() == 0
