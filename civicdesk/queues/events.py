"""The hook real-time features hang on.

Every ticket service calls `publish_ticket_event(ticket, kind)` after its transaction commits
(`transaction.on_commit`), once per changed ticket. `kind` is one of: "issued", "called",
"recalled", "started", "finished", "held", "resumed", "transferred", "no_show", "cancelled",
"requeued".

It publishes, through the live event bus (civicdesk/live/bus.py), one event on the site's channel
(`site:<id>`: the site's queues after the change, for display boards, the manager overview and
every live ticket page at the site) and one on the ticket's own channel (`ticket:<token>`).
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)

KINDS = frozenset(
    {
        "issued",
        "called",
        "recalled",
        "started",
        "finished",
        "held",
        "resumed",
        "transferred",
        "no_show",
        "cancelled",
        "requeued",
    }
)


def publish_ticket_event(ticket, kind: str) -> None:
    """Tell listeners that `ticket` changed (`kind`). Called after commit; must not raise."""
    from civicdesk.live.bus import publish_many
    from civicdesk.live.snapshot import site_snapshot, ticket_snapshot
    from civicdesk.queues.models import Ticket

    try:
        fresh = Ticket.objects.select_related("counter").get(pk=ticket.pk)
        site = site_snapshot(fresh.site_id)
        mine = ticket_snapshot(fresh, site)
        event = {"kind": kind, "ticket": {k: mine[k] for k in ("number", "status", "counter")}}
        publish_many(
            [
                (f"site:{fresh.site_id}", kind, {**event, "site": site}),
                (f"ticket:{fresh.token}", kind, {"kind": kind, "ticket": mine}),
            ]
        )
    except Exception:  # a live page missing an update must never fail a visit
        log.exception("live: could not publish %s for ticket %s", kind, getattr(ticket, "pk", None))


def publish_on_commit(ticket, kind: str) -> None:
    """Schedule `publish_ticket_event` for after the current transaction commits."""
    from civicdesk.queues import events  # looked up at call time, so a replacement is used

    transaction.on_commit(lambda: events.publish_ticket_event(ticket, kind))
