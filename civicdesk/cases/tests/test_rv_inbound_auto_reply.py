"""An out-of-office answer to our reply is not the citizen writing (RFC 3834 Auto-Submitted):
it must not reopen the case the reply resolved, nor start a new case from a closed one, now
that a citizen's email does both."""

from datetime import timedelta

import pytest

from civicdesk.cases.inbound import inbound_email_accept
from civicdesk.cases.models import Case, CaseStatus, MessageKind
from civicdesk.cases.services import case_create, case_reply, case_set_status
from civicdesk.cases.tests.test_inbound import _email, housing  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(monday, housing, leak, officer):  # noqa: F811
    case = case_create(agency=housing, category=leak, kind="complaint", channel="email",
                       description="Leak", contact_email="chan@example.org")  # fmt: skip
    case_reply(case=case, actor=officer.user, body="Fixed today.", then_status="resolved")
    return case


def _auto_reply(case, **headers):
    ours = case.messages.filter(kind=MessageKind.TO_CITIZEN).order_by("-at", "-pk").first()
    return _email(subject=f"Automatic reply: [{case.reference}] A reply about your case",
                  body="I am out of the office until Monday.", msgid="<ooo@example.org>",
                  In_Reply_To=ours.email_message_id, **headers).as_bytes()  # fmt: skip


@pytest.mark.parametrize("headers", [{"Auto_Submitted": "auto-replied"},
                                     {"X_Autoreply": "yes"},
                                     {"Precedence": "auto_reply"}])  # fmt: skip
def test_an_out_of_office_does_not_reopen_a_resolved_case(resolved, monday, headers):
    monday.shift(timedelta(minutes=5))
    inbound_email_accept(raw=_auto_reply(resolved, **headers))
    resolved.refresh_from_db()
    assert resolved.status == CaseStatus.RESOLVED
    assert Case.objects.count() == 1


def test_an_out_of_office_does_not_start_a_case_from_a_closed_one(resolved, officer, monday):
    case_set_status(case=resolved, actor=officer.user, status="closed")
    monday.shift(timedelta(minutes=5))
    result = inbound_email_accept(raw=_auto_reply(resolved, Auto_Submitted="auto-replied"))
    assert not result.created and result.case.pk == resolved.pk
    assert Case.objects.count() == 1


def test_a_person_answering_still_reopens(resolved, monday):
    monday.shift(timedelta(minutes=5))
    inbound_email_accept(raw=_auto_reply(resolved, Auto_Submitted="no"))
    resolved.refresh_from_db()
    assert resolved.status == CaseStatus.IN_PROGRESS
