"""The outbox against a real SMTP server (aiosmtpd), and the SMS file backend."""

import json
from datetime import timedelta
from email import message_from_bytes

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from civicdesk.bench.harness import free_port
from civicdesk.notify.models import OutboxMessage, Status
from civicdesk.notify.services import MAX_ATTEMPTS, notify_enqueue, outbox_retry_due

pytestmark = pytest.mark.django_db(transaction=True)


def test_email_is_sent_after_commit_with_attachment(smtp):
    with transaction.atomic():
        message = notify_enqueue(
            channel="email",
            to="chan@example.org",
            subject="Your reference HSG-2026-000123",
            body="We have your complaint.",
            attachments=[
                {
                    "filename": "invite.ics",
                    "mimetype": "text/calendar",
                    "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                }
            ],
        )
        assert smtp.messages == []  # nothing leaves before the transaction commits
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received["To"] == "chan@example.org"
    assert received["Subject"] == "Your reference HSG-2026-000123"
    parts = [p.get_filename() for p in received.walk() if p.get_filename()]
    assert parts == ["invite.ics"]


def test_rolled_back_transaction_sends_nothing(smtp):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_enqueue(channel="email", to="a@example.org", subject="x", body="y")
        raise RuntimeError("the case was not saved")
    assert OutboxMessage.objects.count() == 0
    assert smtp.messages == []


def test_dedupe_key_sends_once(smtp):
    first = notify_enqueue(
        channel="email",
        to="a@example.org",
        subject="Near",
        body="3 ahead",
        dedupe_key="ticket:1:near",
    )
    second = notify_enqueue(
        channel="email",
        to="a@example.org",
        subject="Near",
        body="3 ahead",
        dedupe_key="ticket:1:near",
    )
    assert first is not None and second is None
    assert len(smtp.messages) == 1


def test_unreachable_server_is_retried_with_backoff_then_given_up(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    message = notify_enqueue(channel="email", to="a@example.org", subject="s", body="b")
    message.refresh_from_db()
    assert message.status == Status.RETRYING and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    first_retry = message.next_attempt_at
    assert outbox_retry_due() == 0  # not due yet
    clock = timezone.now()
    for minutes in range(1, 400):
        with time_machine.travel(clock + timedelta(minutes=minutes * 10), tick=False):
            outbox_retry_due()
    message.refresh_from_db()
    assert message.status == Status.DEAD and message.attempts == MAX_ATTEMPTS
    assert first_retry - message.created_at >= timedelta(minutes=1)


def test_sms_file_backend_writes_json_lines(settings, tmp_path):
    settings.CIVICDESK_SMS_BACKEND = "file"
    settings.CIVICDESK_SMS_FILE = tmp_path / "sms.jsonl"
    message = notify_enqueue(channel="sms", to="+85291234567", body="A042: 3 people ahead")
    message.refresh_from_db()
    assert message.status == Status.SENT
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(r["to"], r["body"]) for r in lines] == [("+85291234567", "A042: 3 people ahead")]


def test_received_message_parses(smtp):
    notify_enqueue(channel="email", to="b@example.org", subject="參考編號", body="已收到你的投訴。")
    raw = smtp.messages[0].as_bytes()
    parsed = message_from_bytes(raw)
    assert "已收到" in parsed.get_payload(decode=True).decode("utf-8")
