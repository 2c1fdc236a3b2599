"""Events sent to live pages, kept for a while so a reconnecting browser gets what it missed."""

from __future__ import annotations

from django.db import models

from civicdesk.core.clock import now


class LiveEvent(models.Model):
    """One Server-Sent Event on one channel ("site:12", "ticket:<token>").

    The id is the SSE event id: ids only grow, so `Last-Event-ID` says where a client stopped on
    every channel it listens to. Rows are pruned after `CIVICDESK_LIVE_KEEP_SECONDS`.
    """

    channel = models.CharField(max_length=80)
    type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "id"], name="live_event_channel_idx")]

    def __str__(self) -> str:
        return f"{self.id} {self.channel} {self.type}"

    def as_message(self) -> dict:
        return {"id": self.id, "channel": self.channel, "type": self.type, "data": self.payload}
