""" "Your turn is near" and "you are called": notices to visitors who left a number or address.

A waiting ticket with contact details gets one notice when it reaches the number of people ahead
or the minutes of estimated wait the visitor chose (whichever comes first), and one when it is
called. The outbox's dedupe key makes each go out once even if two processes check at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from civicdesk.core.clock import now
from civicdesk.notify.services import notify_enqueue
from civicdesk.queues.models import Ticket, TicketStatus


def _send(ticket: Ticket, *, key: str, subject: str, body: str) -> None:
    if ticket.phone:
        notify_enqueue(
            channel="sms",
            to=ticket.phone,
            body=body,
            dedupe_key=f"queues:ticket:{ticket.pk}:{key}:sms",
            agency=ticket.site.agency,
            related=ticket,
        )
    if ticket.email:
        notify_enqueue(
            channel="email",
            to=ticket.email,
            subject=subject,
            body=body,
            dedupe_key=f"queues:ticket:{ticket.pk}:{key}:email",
            agency=ticket.site.agency,
            related=ticket,
        )


def ticket_link(ticket: Ticket) -> str:
    return settings.CIVICDESK_PUBLIC_URL.rstrip("/") + reverse(
        "queues:ticket", kwargs={"token": ticket.token}
    )


def near_pending(service):
    """Waiting tickets of `service` (a Service, an id or an OuterRef) whose visitor asked to be
    told when near and was not told yet."""
    return Ticket.objects.filter(
        service=service,
        status=TicketStatus.WAITING,
        near_notified_at__isnull=True,
    ).filter(Q(notify_ahead__isnull=False) | Q(notify_minutes__isnull=False))


def check_near(service) -> int:
    """Send "your turn is near" to every waiting ticket of `service` that has reached its
    threshold and was not told yet. Returns how many were told."""
    pending = near_pending(service)
    if not pending.exists():
        return 0
    from civicdesk.queues.selectors import people_ahead, waiting_in_call_order
    from civicdesk.queues.state_cache import shown_estimates_now

    order = waiting_in_call_order(service)
    waits = None  # the whole site's estimates, read once if a minutes threshold needs them
    told = 0
    for ticket in pending.select_related("site", "site__agency", "service"):
        ahead = people_ahead(ticket, order=order)
        near = ticket.notify_ahead is not None and ahead <= ticket.notify_ahead
        minutes = None
        if not near and ticket.notify_minutes is not None:
            if waits is None:
                waits = shown_estimates_now(service.site_id)
            minutes = int(waits.get(ticket.pk, timedelta(0)).total_seconds() // 60)
            near = minutes <= ticket.notify_minutes
        if not near:
            continue
        _tell_near(ticket, ahead)
        told += 1
    return told


def check_near_joined(ticket: Ticket, *, ahead: int, wait: timedelta) -> bool:
    """A visitor who has just joined may be near at once (few ahead, or a short wait): tell
    them now. Joins move nobody else closer, so nobody else needs checking."""
    if ticket.notify_ahead is None and ticket.notify_minutes is None:
        return False
    near = (ticket.notify_ahead is not None and ahead <= ticket.notify_ahead) or (
        ticket.notify_minutes is not None
        and int(wait.total_seconds() // 60) <= ticket.notify_minutes
    )
    if near:
        _tell_near(ticket, ahead)
    return near


def _tell_near(ticket: Ticket, ahead: int) -> None:
    with translation.override(ticket.language):
        if ahead:
            text = _(
                "%(site)s: your ticket %(number)s is nearly called - %(ahead)d ahead of you. "
                "Please come back to the waiting area. %(link)s"
            )
        else:
            text = _(
                "%(site)s: your ticket %(number)s is next to be called. "
                "Please come back to the waiting area. %(link)s"
            )
        body = text % {
            "site": ticket.site.display_name,
            "number": ticket.number,
            "ahead": ahead,
            "link": ticket_link(ticket),
        }
        subject = _("Your turn is near: %(number)s") % {"number": ticket.number}
    _send(ticket, key=f"near:{ticket.transfer_count}", subject=subject, body=body)
    Ticket.objects.filter(pk=ticket.pk).update(near_notified_at=now())


def ticket_link_again(ticket: Ticket) -> None:
    """The link to `ticket` once more, to the number and address it holds (someone joined again
    with them): at most once per ten minutes, and only to them, so nobody who merely knows a
    number gets the ticket's page."""
    with translation.override(ticket.language):
        body = _("%(site)s: you are already in the queue with ticket %(number)s. %(link)s") % {
            "site": ticket.site.display_name,
            "number": ticket.number,
            "link": ticket_link(ticket),
        }
        subject = _("Your ticket %(number)s") % {"number": ticket.number}
    _send(ticket, key=f"link:{int(now().timestamp() // 600)}", subject=subject, body=body)


def ticket_called(ticket: Ticket, counter) -> None:
    if not (ticket.phone or ticket.email):
        return
    with translation.override(ticket.language):
        body = _("%(site)s: ticket %(number)s, please go to counter %(counter)s now.") % {
            "site": ticket.site.display_name,
            "number": ticket.number,
            "counter": counter.name,
        }
        subject = _("Your turn: %(number)s to counter %(counter)s") % {
            "number": ticket.number,
            "counter": counter.name,
        }
    # One message per call: a recall, or a call after a transfer or a hold, tells them again.
    called = int(ticket.last_called_at.timestamp() * 1000) if ticket.last_called_at else 0
    _send(ticket, key=f"called:{ticket.transfer_count}:{called}", subject=subject, body=body)


def check_near_all() -> int:
    """check_near for every service with a waiting ticket not yet told."""
    from civicdesk.queues.models import Service

    service_ids = (
        Ticket.objects.filter(status=TicketStatus.WAITING, near_notified_at__isnull=True)
        .filter(Q(notify_ahead__isnull=False) | Q(notify_minutes__isnull=False))
        .values_list("service_id", flat=True)
        .distinct()
    )
    return sum(check_near(service) for service in Service.objects.filter(pk__in=list(service_ids)))
