"""Inbound email: the management command (Maildir, mbox) and the HTTP endpoint."""

import mailbox
from email.message import EmailMessage
from io import StringIO

import pytest
from django.core.management import call_command

from civicdesk.cases.api import hash_key
from civicdesk.cases.models import Case, CaseMessage, IntakeKey, MessageKind
from civicdesk.cases.tests.factories import PNG_1PX

pytestmark = pytest.mark.django_db


def _email(subject="Leak in my flat", body="Water is coming through the ceiling.", msgid="<m1@example.org>",
           sender="Chan Tai Man <chan@example.org>", to="enquiries@housing.example", **headers):  # fmt: skip
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = msgid
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


@pytest.fixture
def housing(agency):
    agency.email = "enquiries@housing.example"
    agency.save()
    return agency


@pytest.fixture
def key(housing):
    IntakeKey.objects.create(agency=housing, name="mail gateway", key_hash=hash_key("mail-key"))
    return "mail-key"


def test_maildir_creates_case_then_reply_threads_and_rerun_changes_nothing(
    tmp_path, monday, housing
):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    first = _email()
    first.add_attachment(PNG_1PX, maintype="image", subtype="png", filename="leak.png")
    box.add(first)
    out = StringIO()
    call_command("cases_fetch_mail", maildir=str(tmp_path / "inbox"), stdout=out)
    assert "created 1" in out.getvalue()
    case = Case.objects.get()
    assert case.channel == "email" and case.contact_email == "chan@example.org"
    assert case.attachments.get().filename == "leak.png"
    # Our acknowledgement carried a Message-ID; the citizen's reply refers to it.
    ack = case.messages.get(kind=MessageKind.TO_CITIZEN)
    box.add(_email(subject=f"Re: [{case.reference}] We have received your message",
                   body="It is flat 12A.\n\n> quoted text", msgid="<m2@example.org>",
                   In_Reply_To=ack.email_message_id))  # fmt: skip
    out = StringIO()
    call_command("cases_fetch_mail", maildir=str(tmp_path / "inbox"), stdout=out)
    assert "created 0, added to existing 1" in out.getvalue()
    assert Case.objects.count() == 1
    assert case.messages.filter(kind=MessageKind.FROM_CITIZEN).last().body == "It is flat 12A."
    out = StringIO()
    call_command("cases_fetch_mail", maildir=str(tmp_path / "inbox"), stdout=out)
    assert "created 0, added to existing 0" in out.getvalue()


def test_mbox_same_message_id_twice_is_one_case(tmp_path, monday, housing):
    box = mailbox.mbox(tmp_path / "in.mbox", create=True)
    box.add(_email())
    box.add(_email())
    box.flush()
    out = StringIO()
    call_command("cases_fetch_mail", mbox=str(tmp_path / "in.mbox"), stdout=out)
    assert "created 1" in out.getvalue() and "already seen 1" in out.getvalue()
    assert Case.objects.count() == 1


def test_reference_in_subject_from_a_stranger_does_not_attach(monday, housing):
    from civicdesk.cases.inbound import inbound_email_accept

    case = inbound_email_accept(raw=_email().as_bytes()).case
    stranger = _email(subject=f"Re: [{case.reference}]", sender="x@evil.example", msgid="<m9@x>")
    result = inbound_email_accept(raw=stranger.as_bytes())
    assert result.created and result.case.pk != case.pk


def test_http_endpoint_needs_key_and_rejects_malformed(client, monday, key):
    url = "/api/v1/cases/inbound-email"
    raw = _email().as_bytes()
    assert client.post(url, data=raw, content_type="message/rfc822").status_code == 401
    created = client.post(url, data=raw, content_type="message/rfc822", HTTP_X_API_KEY=key)
    assert created.status_code == 201 and created.json()["created"] is True
    again = client.post(url, data=raw, content_type="message/rfc822", HTTP_X_API_KEY=key)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    bad = client.post(
        url, data=b"this is not an email", content_type="message/rfc822", HTTP_X_API_KEY=key
    )
    assert bad.status_code == 422
    assert Case.objects.count() == 1 and CaseMessage.objects.filter(kind="in").count() == 1
