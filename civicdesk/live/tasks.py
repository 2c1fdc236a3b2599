"""Pruning old live events (a reconnecting page only needs the last few minutes)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from civicdesk.core.clock import now
from civicdesk.core.periodic import register
from civicdesk.live.models import LiveEvent


@register("live.prune_events", every_seconds=300)
def prune_events() -> int:
    keep = timedelta(seconds=settings.CIVICDESK_LIVE_KEEP_SECONDS)
    deleted, _ = LiveEvent.objects.filter(created_at__lt=now() - keep).delete()
    return deleted
