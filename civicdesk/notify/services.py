"""The outbox: queue a notice in the caller's transaction; deliver after commit, retry with back-off."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Model

from civicdesk.core.clock import now
from civicdesk.notify.models import Channel, OutboxMessage, Status
from civicdesk.notify.sms import get_backend

log = logging.getLogger("civicdesk.notify")
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most 2 hours between tries."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def notify_enqueue(
    *,
    channel: Channel | str,
    to: str,
    body: str,
    subject: str = "",
    html_body: str = "",
    attachments: list[dict] | None = None,
    headers: dict | None = None,
    dedupe_key: str | None = None,
    agency=None,
    related: Model | None = None,
) -> OutboxMessage | None:
    """Queue a message; returns None when `dedupe_key` was already queued (sent once only)."""
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    message = OutboxMessage(
        channel=Channel(channel),
        to=to,
        subject=subject[:255],
        body=body,
        html_body=html_body,
        attachments=attachments or [],
        headers=headers or {},
        dedupe_key=dedupe_key,
        agency=agency,
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return None  # a concurrent enqueue with the same dedupe_key won
    transaction.on_commit(lambda: _deliver_soon(message.pk))
    return message


def _deliver_soon(message_id: int) -> None:
    from civicdesk.notify.tasks import deliver_message

    try:
        deliver_message.enqueue(message_id)
    except Exception:  # the periodic retry picks it up; the message is already stored
        log.exception("could not enqueue delivery of outbox message %s", message_id)


def _send(message: OutboxMessage) -> None:
    if message.channel == Channel.EMAIL:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            from_email=settings.DEFAULT_FROM_EMAIL,
            headers=message.headers or None,
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        for item in message.attachments:
            email.attach(item["filename"], item["content"], item.get("mimetype"))
        email.send(fail_silently=False)
    else:
        get_backend().send(message.to, message.body)


SENDING_LEASE = timedelta(minutes=5)
_SENDABLE = [Status.PENDING, Status.RETRYING, Status.SENDING]


def outbox_deliver(*, message_id: int) -> OutboxMessage | None:
    """Try to send one message now. Safe to call twice: a sent message is not sent again.

    The message is claimed in a short transaction, sent outside it (no database lock is held
    while a mail server answers), then marked. A claim left by a crashed sender expires after
    SENDING_LEASE and the message is tried again.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, status__in=_SENDABLE)
            .first()
        )
        if message is None or (
            message.status == Status.SENDING and message.next_attempt_at > now()
        ):
            return None
        message.status, message.next_attempt_at = Status.SENDING, now() + SENDING_LEASE
        message.attempts += 1
        message.save(update_fields=["status", "next_attempt_at", "attempts"])
    try:
        _send(message)
    except Exception as exc:  # any delivery failure is recorded and retried
        message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        message.status = Status.DEAD if message.attempts >= MAX_ATTEMPTS else Status.RETRYING
        message.next_attempt_at = now() + backoff(message.attempts)
        log.warning("outbox message %s failed (%s)", message.pk, message.last_error)
    else:
        message.status, message.sent_at, message.last_error = Status.SENT, now(), ""
    message.save(update_fields=["status", "next_attempt_at", "last_error", "sent_at"])
    return message


def outbox_retry_due(*, limit: int = 200) -> int:
    """Deliver what is pending or due for a retry. Returns how many were tried."""
    ids = list(
        OutboxMessage.objects.filter(status__in=_SENDABLE, next_attempt_at__lte=now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        outbox_deliver(message_id=message_id)
    return len(ids)
