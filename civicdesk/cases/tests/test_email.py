"""The acknowledgement and replies reach a real SMTP server (aiosmtpd), threaded for replies."""

from email.header import decode_header, make_header

import pytest

from civicdesk.cases.inbound import inbound_email_accept
from civicdesk.cases.models import MessageKind
from civicdesk.cases.services import case_create, case_reply

pytestmark = pytest.mark.django_db(transaction=True)


def test_acknowledgement_in_chinese_and_reply_thread_back_to_the_case(smtp, leak, officer):
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="天花板漏水", language="zh-hant",
                       contact_email="chan@example.org")  # fmt: skip
    assert len(smtp.messages) == 1
    ack = smtp.messages[0]
    subject = str(make_header(decode_header(ack["Subject"])))
    assert ack["To"] == "chan@example.org" and case.reference in subject
    assert "我們已收到" in subject  # the acknowledgement speaks her language
    assert ack["Message-ID"] == case.messages.get(kind=MessageKind.TO_CITIZEN).email_message_id
    case_reply(
        case=case, actor=officer.user, body="請提供單位號碼。", then_status="awaiting_citizen"
    )
    reply = smtp.messages[1]
    assert "請提供單位號碼。" in reply.get_payload(decode=True).decode("utf-8")
    # The citizen answers from her mail program: the answer joins the case and restarts the clock.
    answer = (
        f"From: chan@example.org\r\nTo: housing@example.org\r\nSubject: Re: {reply['Subject']}\r\n"
        f"Message-ID: <answer-1@example.org>\r\nIn-Reply-To: {reply['Message-ID']}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n12樓A室\r\n"
    ).encode()
    result = inbound_email_accept(raw=answer)
    assert result.case.pk == case.pk and not result.created
    case.refresh_from_db()
    assert case.status == "in_progress" and case.paused_at is None
