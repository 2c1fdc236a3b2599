"""The hook real-time features hang on.

Every ticket service calls `publish_ticket_event(ticket, kind)` after its transaction commits
(`transaction.on_commit`), once per changed ticket. `kind` is one of: "issued", "called",
"recalled", "started", "finished", "held", "resumed", "transferred", "no_show", "cancelled",
"requeued". A counter opened or closed changes no ticket but every estimate at the site, and the
manager overview's count of open counters: `publish_site_on_commit(site_id, "counters")`.

It hands the change to civicdesk/live/publisher.py, which publishes through the live event bus
one event on the site's channel (`site:<id>`: the site's queues after the change, for display
boards, the manager overview and every live ticket page at the site) and one on the ticket's own
channel (`ticket:<token>`), coalescing changes that come within a few milliseconds.
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
        "counters",
    }
)


def publish_ticket_event(ticket, kind: str) -> None:
    """Tell listeners that `ticket` changed (`kind`). Called after commit; must not raise."""
    from civicdesk.live.publisher import ticket_changed

    try:
        ticket_changed(ticket.site_id, ticket.pk, kind)
    except Exception:  # a live page missing an update must never fail a visit
        log.exception("live: could not publish %s for ticket %s", kind, getattr(ticket, "pk", None))


def publish_on_commit(ticket, kind: str) -> None:
    """Schedule `publish_ticket_event` for after the current transaction commits."""
    from civicdesk.queues import events  # looked up at call time, so a replacement is used

    transaction.on_commit(lambda: events.publish_ticket_event(ticket, kind))


def publish_site_on_commit(site_id: int, kind: str = "counters") -> None:
    """After commit, a site event with no ticket (a counter opened or closed)."""

    def publish() -> None:
        from civicdesk.live.publisher import ticket_changed

        try:
            ticket_changed(site_id, None, kind)
        except Exception:  # a live page missing an update must never fail a visit
            log.exception("live: could not publish %s for site %s", kind, site_id)

    transaction.on_commit(publish)
