"""The ticket status table, and the one function that moves a ticket between statuses.

waiting → called → serving → done, with: recall (called stays called), no-show (after the
service's recalls), hold (serving → on_hold → serving, the visitor does not queue again),
transfer (serving or called → waiting at another service, keeping the place), cancel.
"""

from __future__ import annotations

from datetime import datetime

from civicdesk.core.workflows import Workflow
from civicdesk.queues.models import FINAL_STATUSES, Ticket, TicketPeriod
from civicdesk.queues.models import TicketStatus as S

TICKET_WORKFLOW = Workflow.declare(
    "ticket",
    {
        S.WAITING: [S.CALLED, S.CANCELLED],
        S.CALLED: [S.SERVING, S.NO_SHOW, S.WAITING, S.CANCELLED],
        S.SERVING: [S.DONE, S.ON_HOLD, S.WAITING],
        S.ON_HOLD: [S.SERVING, S.WAITING, S.NO_SHOW, S.CANCELLED],
        S.DONE: [],
        S.NO_SHOW: [],
        S.CANCELLED: [],
    },
)


def ticket_set_status(
    ticket: Ticket, status: str, *, at: datetime, officer=None, counter=None
) -> TicketPeriod | None:
    """Close the ticket's open period and open the next one. Saves neither the ticket (the caller
    saves it with its other changes) nor returns a period for a final status."""
    TICKET_WORKFLOW.check(ticket.status, status)
    TicketPeriod.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=at)
    ticket.status = status
    if status in FINAL_STATUSES:
        return None
    return TicketPeriod.objects.create(
        ticket=ticket,
        status=status,
        service_id=ticket.service_id,
        counter=counter,
        officer=officer,
        started_at=at,
    )
