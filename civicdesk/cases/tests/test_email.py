
"""The acknowledgement and replies reach a real SMTP server (aiosmtpd), threaded for replies."""

import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from civicdesk.cases.inbound import inbound_email_accept
from civicdesk.cases.models import MessageKind
from civicdesk.cases.services import case_create, case_reply

pytestmark = pytest.mark.django_db(transaction=True)


class Collector(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


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
