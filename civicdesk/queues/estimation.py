"""Estimated wait for a ticket.

`naive_estimate_wait`: people ahead × mean service time ÷ open counters serving the service.
`estimate_wait`: the estimate shown to visitors. For now it is the naive one; the better
estimator (live state, recent service times by hour, delay history) replaces its insides and
keeps its signature.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import DurationField, ExpressionWrapper, F

from civicdesk.queues.models import Service, Ticket, TicketPeriod, TicketStatus
from civicdesk.queues.selectors import open_counter_count, people_ahead, people_ahead_of_new

RECENT_VISITS = 50


def mean_service_time(service: Service) -> timedelta:
    """Mean of the last RECENT_VISITS finished serving periods, or the service's usual time."""
    durations = list(
        TicketPeriod.objects.filter(
            service=service, status=TicketStatus.SERVING, ended_at__isnull=False
        )
        .order_by("-ended_at")
        .annotate(length=ExpressionWrapper(F("ended_at") - F("started_at"), DurationField()))
        .values_list("length", flat=True)[:RECENT_VISITS]
    )
    if not durations:
        return timedelta(minutes=service.default_service_minutes)
    return sum(durations, timedelta(0)) / len(durations)


def _naive(ahead: int, service: Service) -> timedelta:
    counters = max(open_counter_count(service), 1)
    return mean_service_time(service) * ahead / counters


def naive_estimate_wait(ticket: Ticket) -> timedelta:
    """People ahead × mean service time ÷ open counters (at least one). Zero once called."""
    if ticket.status != TicketStatus.WAITING:
        return timedelta(0)
    return _naive(people_ahead(ticket), ticket.service)


def estimate_wait(ticket: Ticket) -> timedelta:
    """The wait shown to the visitor holding `ticket`. Zero once called."""
    return naive_estimate_wait(ticket)


def estimate_join_wait(service: Service, lane: str) -> timedelta:
    """The wait someone joining `service` in `lane` now would be told."""
    return _naive(people_ahead_of_new(service, lane), service)
