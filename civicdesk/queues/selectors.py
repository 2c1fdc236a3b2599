"""Reads: queues in call order, positions, and staff lists scoped by site."""

from __future__ import annotations

from django.db.models import QuerySet

from civicdesk.organisations.models import Site
from civicdesk.organisations.permissions import Access, Area, scope_queryset
from civicdesk.queues.lanes import NORMAL, call_order
from civicdesk.queues.models import Counter, Service, Ticket, TicketStatus


def waiting_in_call_order(service: Service) -> list[Ticket]:
    """The waiting tickets of a service in the order they will be called (lanes.py rule)."""
    waiting = list(
        Ticket.objects.filter(service=service, status=TicketStatus.WAITING)
        .select_related("service")
        .order_by("queued_at", "id")
    )
    priority = [t for t in waiting if t.lane != NORMAL]
    normal = [t for t in waiting if t.lane == NORMAL]
    return [
        t
        for t, _run in call_order(
            priority, normal, run=service.priority_streak, limit=service.priority_run
        )
    ]


def people_ahead(ticket: Ticket, *, order: list[Ticket] | None = None) -> int:
    """How many waiting visitors will be called before this ticket (0 once it is called)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    if order is None:
        order = waiting_in_call_order(ticket.service)
    for index, other in enumerate(order):
        if other.pk == ticket.pk:
            return index
    return 0


def people_ahead_of_new(service: Service, lane: str) -> int:
    """How many would be ahead of someone joining this lane now."""
    waiting = Ticket.objects.filter(service=service, status=TicketStatus.WAITING)
    priority = waiting.exclude(lane=NORMAL).count()
    normal = waiting.filter(lane=NORMAL).count()
    sentinel = object()
    if lane == NORMAL:
        order = call_order(
            [None] * priority,
            [None] * normal + [sentinel],
            run=service.priority_streak,
            limit=service.priority_run,
        )
    else:
        order = call_order(
            [None] * priority + [sentinel],
            [None] * normal,
            run=service.priority_streak,
            limit=service.priority_run,
        )
    return next(i for i, (t, _run) in enumerate(order) if t is sentinel)


def open_counter_count(service: Service) -> int:
    return Counter.objects.filter(services=service, is_open=True, is_active=True).count()


def ticket_by_token(token: str) -> Ticket | None:
    return (
        Ticket.objects.select_related("service", "site", "site__agency", "counter")
        .filter(token=token)
        .first()
    )


def service_list_public(*, site: Site) -> QuerySet[Service]:
    return Service.objects.filter(site=site, is_active=True).select_related("site", "site__agency")


def site_for_codes(agency_code: str, site_code: str) -> Site | None:
    return (
        Site.objects.select_related("agency")
        .filter(agency__code=agency_code, code=site_code, is_active=True, agency__is_active=True)
        .first()
    )


# --- staff ------------------------------------------------------------------------------------
def site_list_for_queues(user, access: Access = Access.READ) -> QuerySet[Site]:
    return scope_queryset(
        user,
        Area.QUEUES,
        access,
        Site.objects.select_related("agency").filter(is_active=True),
        site_field="pk",
    )


def counter_list_for(user, *, site: Site | None = None) -> QuerySet[Counter]:
    counters = scope_queryset(
        user,
        Area.QUEUES,
        Access.READ,
        Counter.objects.select_related("site", "site__agency", "officer").filter(is_active=True),
        agency_field="site__agency_id",
        site_field="site_id",
    )
    return counters.filter(site=site) if site is not None else counters


def ticket_list_for(user, *, site: Site | None = None) -> QuerySet[Ticket]:
    tickets = scope_queryset(
        user,
        Area.QUEUES,
        Access.READ,
        Ticket.objects.select_related("service", "site", "counter", "officer"),
        agency_field="site__agency_id",
        site_field="site_id",
    )
    return tickets.filter(site=site) if site is not None else tickets
