"""The hook real-time features hang on.

Every ticket service calls `publish_ticket_event(ticket, kind)` after its transaction commits
(`transaction.on_commit`), once per changed ticket. `kind` is one of: "issued", "called",
"recalled", "started", "finished", "held", "resumed", "transferred", "no_show", "cancelled",
"requeued". The live app (display boards, live ticket pages, the manager overview over
Server-Sent Events) fills this in; until then it does nothing.
"""

from __future__ import annotations

from django.db import transaction

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
    return None


def publish_on_commit(ticket, kind: str) -> None:
    """Schedule `publish_ticket_event` for after the current transaction commits."""
    from civicdesk.queues import events  # looked up at call time, so a replacement is used

    transaction.on_commit(lambda: events.publish_ticket_event(ticket, kind))
