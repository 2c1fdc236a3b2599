"""What the wait estimator reads from the database besides the live queue (estimation.py):
recent visit lengths, the counters' usual staffing, and the delay history of called tickets."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Q

from civicdesk.queues.lanes import NORMAL
from civicdesk.queues.models import Counter, Ticket, TicketPeriod, TicketStatus
from civicdesk.queues.wait_blend import Called, DelayHistory
from civicdesk.queues.wait_sim import HORIZON_SLOTS, MARGIN, PROFILE_DAYS, SLOT, usual_schedule

HISTORY_DAYS = 28
HISTORY_TICKETS = 800
LENGTH_SAMPLES = 100


def recent_lengths(site_id: int, at: datetime) -> dict[int, list[float]]:
    """Counter seconds per call (first call to finish) of the last LENGTH_SAMPLES finished
    visits of each service of the site, for the look-ahead's draws."""
    lengths: dict[int, list[float]] = defaultdict(list)
    rows = (
        Ticket.objects.filter(
            site_id=site_id,
            status__in=[TicketStatus.DONE, TicketStatus.NO_SHOW],
            transfer_count=0,
            finished_at__lte=at,
            finished_at__gte=at - timedelta(days=HISTORY_DAYS),
            called_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("service_id", "called_at", "finished_at")[: LENGTH_SAMPLES * 8]
    )
    for service_id, called_at, finished_at in rows:
        if len(lengths[service_id]) < LENGTH_SAMPLES:
            lengths[service_id].append((finished_at - called_at).total_seconds())
    return dict(lengths)


def add_usual_staffing(state, site_id: int, open_ids: list[int], tz) -> None:
    """The counters' usual staffing over the look-ahead, from their calls at the same time of
    day on the previous PROFILE_DAYS days (one query over those windows)."""
    at = state.at
    window = Q()
    for days in range(1, PROFILE_DAYS + 2):
        then = at - timedelta(days=days)
        window |= Q(
            started_at__gte=then - timedelta(hours=1),
            started_at__lt=then + timedelta(seconds=HORIZON_SLOTS * SLOT + MARGIN),
        )
    activity: dict[int, list[tuple[float, float]]] = defaultdict(list)
    worked = set()
    today = at.astimezone(tz).date()
    for counter_id, started, ended in TicketPeriod.objects.filter(
        window,
        ticket__site_id=site_id,
        counter__isnull=False,
        status__in=[TicketStatus.CALLED, TicketStatus.SERVING],
        ended_at__isnull=False,
    ).values_list("counter_id", "started_at", "ended_at"):
        activity[counter_id].append((started.timestamp(), ended.timestamp()))
        worked.add(started.astimezone(tz).date())
    back = [(today - day).days * 86400.0 for day in sorted(worked - {today}, reverse=True)][
        :PROFILE_DAYS
    ]
    plans = {
        counter_id: usual_schedule(
            sorted(intervals), at.timestamp(), back, now_open=counter_id in open_ids
        )
        for counter_id, intervals in activity.items()
    }
    state.schedule = [plans.get(counter_id) for counter_id in open_ids]
    closed: dict[int, set[int]] = defaultdict(set)
    for counter_id, service_id in Counter.services.through.objects.filter(
        counter__site_id=site_id, counter__is_active=True, counter__is_open=False
    ).values_list("counter_id", "service_id"):
        if service_id in state.services:
            closed[counter_id].add(service_id)
    state.later = [
        (frozenset(served), plans[counter_id])
        for counter_id, served in closed.items()
        if plans.get(counter_id) is not None
    ]


def delay_history(site_id: int, at: datetime) -> DelayHistory:
    """The site's tickets called lately, with the predictors noted when they joined."""
    rows = (
        Ticket.objects.filter(
            site_id=site_id,
            called_at__isnull=False,
            called_at__lte=at,
            joined_at__gte=at - timedelta(days=HISTORY_DAYS),
        )
        .order_by("-called_at")
        .values_list("service_id", "lane", "joined_at", "called_at", "estimate_features")[
            :HISTORY_TICKETS
        ]
    )
    return DelayHistory(
        Called(
            service_id=service_id,
            priority=0 if lane == NORMAL else 1,
            joined=joined_at.timestamp(),
            called=called_at.timestamp(),
            ahead=(parts or {}).get("k"),
            features=parts or None,
        )
        for service_id, lane, joined_at, called_at, parts in rows
    )
