"""The service a public join names, with its site and agency: read on every join, changed rarely.
Kept per process for a few seconds (`civicdesk.core.localcache`), like the cases' intake keys.

A change saved in this process applies at once (signals clear the cache); one saved by another
process applies within CACHE_SECONDS. The lane rule's running count (`priority_streak`, saved at
every call) does not clear it: the join reads it only to count who is ahead, and the ticket's
place in the queue never depends on it.
"""

from __future__ import annotations

import copy

from django.db.models.signals import post_delete, post_save

from civicdesk.core.localcache import LocalCache
from civicdesk.organisations.models import Agency, Site
from civicdesk.queues.models import Service

CACHE_SECONDS = 5.0

_services: LocalCache[Service] = LocalCache("queues.services", ttl=CACHE_SECONDS)


def service_for_join(service_id: int) -> Service | None:
    """The service with this id, its site and agency loaded (active or not: the caller checks)."""
    found = _services.get_or_load(
        service_id,
        lambda: (
            Service.objects.select_related("site", "site__agency").filter(pk=service_id).first()
        ),
    )
    if found is not None:
        found.site = copy.copy(found.site)  # this request's own copies
        found.site.agency = copy.copy(found.site.agency)
    return found


def _changed(sender, update_fields=None, **kwargs) -> None:
    if (
        sender is Service
        and update_fields is not None
        and set(update_fields) <= {"priority_streak"}
    ):
        return
    _services.clear()


for model in (Service, Site, Agency):
    post_save.connect(_changed, sender=model, dispatch_uid=f"queues.services.{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"queues.services.d.{model.__name__}")
