"""Closing a case invites the citizen to a one-time survey; compliments are not surveyed."""

import pytest

from civicdesk.cases.services import case_create
from civicdesk.cases.services.work import case_set_status
from civicdesk.notify.models import OutboxMessage
from civicdesk.surveys.models import Invitation

pytestmark = pytest.mark.django_db


def _close(case, actor):
    for status in ("acknowledged", "in_progress", "resolved", "closed"):
        if case.status != status:
            case = case_set_status(case=case, actor=actor, status=status)
    return case


def test_closed_complaint_invites_the_citizen_once(leak, officer):
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="天花板漏水", language="zh-hant",
                       contact_email="chan@example.org")  # fmt: skip
    case = case_set_status(case=case, actor=officer.user, status="acknowledged")
    case = case_set_status(case=case, actor=officer.user, status="in_progress")
    case = case_set_status(case=case, actor=officer.user, status="resolved")
    assert not Invitation.objects.exists()  # resolved is not closed yet
    case_set_status(case=case, actor=officer.user, status="closed")
    invitation = Invitation.objects.get()
    assert invitation.case_kind == "complaint" and invitation.language == "zh-hant"
    assert invitation.department == leak.department
    assert OutboxMessage.objects.filter(to="chan@example.org", body__contains=invitation.token)


def test_compliments_are_not_surveyed(leak, officer):
    case = case_create(agency=leak.agency, category=leak, kind="compliment", channel="web",
                       description="Thank you", contact_email="kind@example.org")  # fmt: skip
    _close(case, officer.user)
    assert not Invitation.objects.exists()
