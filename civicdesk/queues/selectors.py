"""Reads: queues in call order, positions, and staff lists scoped by site."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Q, QuerySet

from civicdesk.core.inserts import bound_cursor
from civicdesk.organisations.models import Site
from civicdesk.organisations.permissions import Access, Area, scope_queryset
from civicdesk.queues.lanes import NORMAL, call_order, calls_before
from civicdesk.queues.models import Counter, Service, Ticket, TicketStatus, WaitingTally


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


def waiting_for_counter(served: list[Service]) -> list[Ticket]:
    """Everyone waiting for a counter serving `served`, in the order Call next will call them:
    each service's own call order (`waiting_in_call_order`), and across the services as
    `services.ticket_call_next` picks: of each service's next ticket, the one that joined first
    (by `queued_at`). Not a sort by time: a priority ticket is called before earlier joiners."""
    orders = [order for order in map(waiting_in_call_order, served) if order]
    heads = [0] * len(orders)
    queue = []
    while True:
        candidates = [
            (order[i], k)
            for k, (order, i) in enumerate(zip(orders, heads, strict=True))
            if i < len(order)
        ]
        if not candidates:
            return queue
        ticket, k = min(candidates, key=lambda pair: (pair[0].queued_at, pair[0].pk))
        queue.append(ticket)
        heads[k] += 1


def people_ahead(ticket: Ticket, *, order: list[Ticket] | None = None) -> int:
    """How many waiting visitors will be called before this ticket (0 once it is called).
    A count of its own lane ahead of it and the other lane's tally; `order` (from
    waiting_in_call_order) saves even those."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    if order is not None:
        return next((i for i, other in enumerate(order) if other.pk == ticket.pk), 0)
    service = ticket.service
    waiting = Ticket.objects.filter(service_id=ticket.service_id, status=TicketStatus.WAITING)
    priority = ticket.lane != NORMAL
    own_lane = waiting.exclude(lane=NORMAL) if priority else waiting.filter(lane=NORMAL)
    ahead = own_lane.filter(
        Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, pk__lt=ticket.pk)
    ).count()
    normal, priority_waiting = waiting_counts(ticket.service_id)
    return calls_before(
        lane_is_priority=priority,
        same_lane_ahead=ahead,
        other_lane_waiting=normal if priority else priority_waiting,
        run=service.priority_streak,
        limit=service.priority_run,
    )


def people_ahead_of_new(service: Service, lane: str) -> int:
    """How many would be ahead of someone joining this lane now (one small read).

    Read on every public join: from the waiting tally the database keeps (`WaitingTally`), not a
    count of everyone waiting (at 7,000 waiting that count cost PostgreSQL ~3.7 ms of every
    join); the statement is written once per process rather than compiled by the ORM each time."""
    normal, priority = waiting_counts(service.pk)
    is_priority = lane != NORMAL
    return calls_before(
        lane_is_priority=is_priority,
        same_lane_ahead=priority if is_priority else normal,
        other_lane_waiting=normal if is_priority else priority,
        run=service.priority_streak,
        limit=service.priority_run,
    )


def waiting_counts(service_id: int) -> tuple[int, int]:
    """(normal, priority) tickets waiting for a service, from the tally."""
    return waiting_counts_for([service_id])[service_id]


def waiting_counts_for(service_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(normal, priority) waiting per service, from the tally, in one read (one statement per
    number of services, written and prepared once per process)."""
    counts = {service_id: [0, 0] for service_id in service_ids}
    if service_ids:
        with bound_cursor() as cursor:
            cursor.execute(_tally_sql(len(service_ids)), [WaitingTally.Side.ARRIVED, *service_ids])
            for service_id, priority, n in cursor.fetchall():
                counts[service_id][int(priority)] = int(n)
    return {sid: (max(normal, 0), max(prio, 0)) for sid, (normal, prio) in counts.items()}


@functools.cache
def _tally_sql(services: int) -> str:
    qn = connection.ops.quote_name
    side, n, priority, service = (
        qn(WaitingTally._meta.get_field(f).column) for f in ("side", "n", "priority", "service")
    )
    return (
        f"SELECT {service}, {priority}, "  # noqa: S608
        f"CAST(SUM(CASE WHEN {side} = %s THEN {n} ELSE -{n} END) AS BIGINT) "
        f"FROM {qn(WaitingTally._meta.db_table)} "
        f"WHERE {service} IN ({', '.join(['%s'] * services)}) GROUP BY {service}, {priority}"
    )


def open_counter_count(service: Service) -> int:
    return Counter.objects.filter(services=service, is_open=True, is_active=True).count()


def open_counters_while_waiting(ticket: Ticket) -> int | None:
    """Counters open now that serve a waiting ticket's service (None once it is not waiting):
    with none, its pages say so rather than an estimate that assumes one opens."""
    if ticket.status != TicketStatus.WAITING:
        return None
    return open_counter_count(ticket.service)


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
