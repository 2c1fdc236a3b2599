from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.core.clock import now


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Failed, will retry")
    DEAD = "dead", _("Gave up")


class OutboxMessage(models.Model):
    """A notice to a citizen or staff member, stored before anyone is told it was sent."""

    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    # [{"filename": "invite.ics", "mimetype": "text/calendar", "content": "..."}]
    attachments = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # The same dedupe_key is never queued twice: "your turn is near" goes out once.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    related_type = models.CharField(max_length=80, blank=True)
    related_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=now, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["related_type", "related_id"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.subject or self.body[:40]}"
