from datetime import timedelta

import pytest
import time_machine

from civicdesk.core.clock import now
from civicdesk.surveys import services
from civicdesk.surveys.models import Invitation
from civicdesk.surveys.tasks import forget_expired_contacts

pytestmark = pytest.mark.django_db


def test_contact_hashes_are_forgotten_after_the_quiet_period(agency):
    policy = services.survey_policy_for(agency)
    policy.quiet_days = 30
    policy.save()
    old = services.survey_invite(agency=agency, contact_email="a@example.org")
    with time_machine.travel(now() + timedelta(days=20)):
        recent = services.survey_invite(agency=agency, contact_email="b@example.org")
    with time_machine.travel(now() + timedelta(days=31)):
        assert forget_expired_contacts() == 1
    assert Invitation.objects.get(pk=old.pk).contact_hash == ""
    assert Invitation.objects.get(pk=recent.pk).contact_hash != ""


def test_deploy_check_warns_about_a_local_public_url(settings):
    from civicdesk.surveys.checks import public_url_is_public

    settings.CIVICDESK_PUBLIC_URL = "http://127.0.0.1:8000"
    assert [w.id for w in public_url_is_public(None)] == ["surveys.W001"]
    settings.CIVICDESK_PUBLIC_URL = "https://feedback.harbour.example"
    assert public_url_is_public(None) == []
