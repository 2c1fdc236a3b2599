"""What live pages show, as JSON: a site's queues (for boards, the overview and ticket pages) and
one ticket's state. Built by the publisher once per change, not by each of the streams."""

from __future__ import annotations

from civicdesk.core.clock import now
from civicdesk.queues.models import Counter, Ticket, TicketStatus
from civicdesk.queues.selectors import people_ahead
from civicdesk.queues.state_cache import (
    shown_head,
    shown_history_seconds,
    shown_state,
    shown_wait,
    snapshot_estimates,
)

CALLING = (TicketStatus.CALLED, TicketStatus.SERVING)


def _minutes(delta) -> int:
    return round(delta.total_seconds() / 60)


def site_snapshot(site_id: int) -> dict:
    """Now calling, next numbers, and each waiting ticket's place and estimate, by service."""
    at = now()
    # Only the first CIVICDESK_LIVE_ORDER_LIMIT of each service are listed: nobody behind them
    # needs an estimate here, so only the head of each lane is read (with the horizon at 0, the
    # estimator plays everyone out and reads everyone).
    head, order_limit = shown_head()
    # The queues are read every time, the estimator's history about every
    # CIVICDESK_LIVE_HISTORY_SECONDS (in the background); the estimates are made as the ticket
    # API and the ticket page make theirs, and kept for them (queues/state_cache.py).
    state = shown_state(site_id, at=at, history_max_age=shown_history_seconds(), waiting_limit=head)
    counts = state.waiting_counts
    if counts is None:
        counts = {sid: (len(jobs), 0) for sid, jobs in state.waiting.items()}
    waits = snapshot_estimates(state, site_id, answer=order_limit)
    calling = [
        {
            "number": t.number,
            "counter": t.counter.name if t.counter_id else "",
            "service": t.service_id,
            "status": t.status,
            "recalls": t.recall_count,
        }
        for t in Ticket.objects.filter(site_id=site_id, status__in=CALLING)
        .select_related("counter")
        .order_by("-last_called_at", "-id")[:12]
    ]
    open_counters = Counter.objects.filter(site_id=site_id, is_open=True, is_active=True).count()
    services = []
    for service_id, service in state.services.items():
        jobs = state.waiting.get(service_id, [])
        ordered = sorted(
            (j for j in jobs if j.ticket_id in waits),
            key=lambda j: (waits[j.ticket_id].total_seconds(), j.queued_at),
        )
        numbers = _numbers([j.ticket_id for j in ordered[:order_limit]])
        services.append(
            {
                "id": service_id,
                "name": service.name,
                "prefix": service.prefix,
                "waiting": sum(counts.get(service_id, (0, 0))),
                "counters": sum(1 for _f, s in state.counters if service_id in s),
                "order": [
                    [numbers[j.ticket_id], _minutes(waits[j.ticket_id])]
                    for j in ordered[:order_limit]
                ],
            }
        )
    return {
        "site": site_id,
        "at": at.isoformat(),
        "open_counters": open_counters,
        "calling": calling,
        "services": services,
    }


def _numbers(ticket_ids: list[int]) -> dict[int, str]:
    return {
        pk: f"{prefix}{sequence:03d}"
        for pk, prefix, sequence in Ticket.objects.filter(pk__in=ticket_ids).values_list(
            "pk", "prefix", "sequence"
        )
    }


def ticket_snapshot(ticket: Ticket, site: dict | None = None) -> dict:
    """One ticket's place, estimate and status (from the site snapshot when it lists the ticket;
    a ticket further back than the snapshot lists has its own place counted and estimated).
    `counters`: open counters serving its service (None when not waiting or without `site`)."""
    ahead, wait, counters = 0, 0, None
    mine = ticket.number  # a property: formatted on each use
    if ticket.status == TicketStatus.WAITING and site is not None:
        service = next((s for s in site["services"] if s["id"] == ticket.service_id), None)
        listed = service["order"] if service else []
        # Counters open now that serve its service: none, and the page says so (the estimate
        # assumes one opens, so the first in line would read "less than a minute").
        counters = service["counters"] if service else 0
        found = next((i for i, (number, _m) in enumerate(listed) if number == mine), None)
        if found is not None:
            ahead, wait = found, listed[found][1]
        else:
            ahead, wait = _beyond_listed(ticket)
    return {
        "number": mine,
        "status": ticket.status,
        "service": ticket.service_id,
        "counter": ticket.counter.name if ticket.counter_id and ticket.status in CALLING else "",
        "ahead": ahead,
        "wait_minutes": wait,
        "counters": counters,
        "recalls": ticket.recall_count,
    }


def _beyond_listed(ticket: Ticket) -> tuple[int, int]:
    """People ahead (counted) and minutes (the site's estimates, as the API gives them) of a
    waiting ticket the site snapshot does not list (it lists CIVICDESK_LIVE_ORDER_LIMIT)."""
    ahead = people_ahead(ticket)
    return ahead, _minutes(shown_wait(ticket))
