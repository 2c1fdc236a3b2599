"""Where the other apps hand a finished visit or a closed case to the surveys app.

Queues calls `invite_after_ticket` when a ticket is done; cases calls `invite_after_case` when a
case is closed. Both run inside the caller's transaction, so an invitation exists only if the
visit or the case really finished.
"""

from __future__ import annotations

from civicdesk.surveys.models import Invitation
from civicdesk.surveys.services import survey_invite


def invite_after_ticket(ticket) -> Invitation | None:
    return survey_invite(
        agency=ticket.site.agency,
        site=ticket.site,
        officer=ticket.officer,
        service_key=f"queues.service:{ticket.service_id}",
        service_name=ticket.service.name,
        channel=ticket.channel,
        contact_email=ticket.email,
        contact_phone=ticket.phone,
        language=ticket.language or "en",
        related=ticket,
        source="ticket",
    )


def invite_after_case(case) -> Invitation | None:
    if case.kind == "compliment" or not (case.contact_email or case.contact_phone):
        return None  # nobody to ask, or nothing to rate
    return survey_invite(
        agency=case.agency,
        site=case.site,
        department=case.department,
        officer=case.assignee,
        service_key=f"cases.category:{case.category_id}" if case.category_id else "",
        service_name=str(case.category) if case.category_id else "",
        case_kind=case.kind,
        channel=case.channel,
        contact_email=case.contact_email,
        contact_phone=case.contact_phone,
        language=case.language or "en",
        related=case,
        source="case",
    )
