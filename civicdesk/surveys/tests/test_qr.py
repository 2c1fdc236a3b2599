import pytest
from django.template import Context, Template

from civicdesk.surveys import services

pytestmark = pytest.mark.django_db


def test_qr_include_for_counter_screen_and_receipt(agency, settings):
    settings.CIVICDESK_PUBLIC_URL = "https://civicdesk.example"
    invitation = services.survey_invite(agency=agency)
    html = Template("{% load surveys_tags %}{% survey_invitation_qr invitation %}").render(
        Context({"invitation": invitation})
    )
    assert 'src="data:image/svg+xml' in html
    assert f"https://civicdesk.example/s/{invitation.token}/" in html
    empty = Template("{% load surveys_tags %}{% survey_invitation_qr None %}").render(Context())
    assert "survey-qr" not in empty
