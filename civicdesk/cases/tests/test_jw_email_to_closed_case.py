"""A citizen who answers our email after their case was closed is not turned away (the tracking
page tells them to start a new case and mention the old reference; an email can do that by
itself): the message becomes a new case, and the closed one is left as it was."""

from datetime import timedelta

import pytest

from civicdesk.cases.inbound import inbound_email_accept
from civicdesk.cases.models import Case, CaseStatus, MessageKind
from civicdesk.cases.services import case_create, case_set_status
from civicdesk.cases.tests.test_inbound import _email, housing  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_reply_to_a_closed_case_becomes_a_new_case(monday, housing, leak, officer):  # noqa: F811
    case = case_create(agency=housing, category=leak, kind="complaint", channel="email",
                       description="Leak", contact_email="chan@example.org")  # fmt: skip
    ack = case.messages.get(kind=MessageKind.TO_CITIZEN)
    case_set_status(case=case, actor=officer.user, status="closed")
    monday.shift(timedelta(days=60))
    raw = _email(subject=f"Re: [{case.reference}] We have received your message",
                 body="The leak is back.", msgid="<again@example.org>",
                 In_Reply_To=ack.email_message_id).as_bytes()  # fmt: skip
    result = inbound_email_accept(raw=raw)
    assert result.created and result.case.pk != case.pk
    assert result.case.contact_email == "chan@example.org"
    assert case.reference in f"{result.case.subject} {result.case.description}"
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert not case.messages.filter(body="The leak is back.").exists()
    # The same email again is the same new case.
    again = inbound_email_accept(raw=raw)
    assert again.case.pk == result.case.pk and not again.created
    assert Case.objects.count() == 2
