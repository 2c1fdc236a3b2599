"""Per-process caches of a site's estimator work, for the many reads of a busy site.

`site_state_reusing_history`: `site_state` reads, besides the queues, weeks of service times and
hours of joins and give-ups; those barely move from one second to the next but cost most of the
reading. Live pages and public joins reuse them for up to `max_age` seconds of the clock; the
queues themselves (who waits, which counters are open and busy) are read every time.

`site_estimates`: the waiting tickets' estimates at a site, from one run of the estimator, kept
for `max_age` seconds (ticket pages and the ticket API poll). Every estimate a visitor is shown
(`shown_wait`: the ticket API and page; `snapshot_estimates`: the live pages and their stream;
`shown_estimates_now`: "your turn is near" by minutes) is made under one rule, below, and a live
snapshot keeps its estimates as the site's: at one instant she reads one figure everywhere.

`join_estimate`: the wait told to someone who just joined. At a quiet site (one join every few
seconds) it is the estimator's answer for that ticket, as before. At a busy one (many joins a
second, each of which would replay the whole queue) the estimator runs at most once per site,
service and lane every `max_age` seconds; a ticket that joins in between is told that anchor
plus what its place adds: (its people ahead − the anchor's) × counter time per call ÷ counters
serving the service. Calls made since lower the count of people ahead, joins raise it.

With max_age 0 everything is computed every time (tests, and the waits simulation, which calls
`ticket_issue` without it, so the measured accuracy is the estimator's own).

With `refresh_later` (live snapshots), history that has just gone stale (younger than twice
`max_age`) is used once more while a background thread reads it again, so the occasional full
read (hundreds of ms at a site with thousands of tickets a day) is not paid by the event that
happens to come first after `max_age`. On an in-memory SQLite database (tests), which another
thread cannot share, it is read at once as before.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, connections

from civicdesk.core.clock import now
from civicdesk.core.localcache import LocalCache
from civicdesk.queues.estimation import SiteState, _capacity, site_state

log = logging.getLogger(__name__)

_history: dict[int, SiteState] = {}
_refreshing: set[int] = set()
_lock = threading.Lock()


def site_state_reusing_history(
    site_id: int,
    *,
    at: datetime,
    max_age: float,
    refresh_later: bool = False,
    waiting_limit: int | None = None,
) -> SiteState:
    previous = _history.get(site_id) if max_age > 0 else None
    if previous is not None:
        age = (at - previous.at).total_seconds()
        if not 0 <= age < max_age:
            if refresh_later and max_age <= age < 2 * max_age and _can_refresh_later():
                _refresh_in_background(site_id)
            else:
                previous = None
    state = site_state(site_id, at=at, history=previous, waiting_limit=waiting_limit)
    if previous is None and max_age > 0:
        _history[site_id] = state
    return state


def _can_refresh_later() -> bool:
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def _refresh_in_background(site_id: int) -> None:
    with _lock:
        if site_id in _refreshing:
            return
        _refreshing.add(site_id)
    threading.Thread(
        target=_refresh, args=(site_id,), name=f"history-{site_id}", daemon=True
    ).start()


def _refresh(site_id: int) -> None:
    try:
        _history[site_id] = site_state(site_id, at=now(), waiting_limit=0)  # history only
    except Exception:  # the stale history is used until the next try
        log.exception("queues: could not re-read the estimator history of site %s", site_id)
    finally:
        _close_thread_connections()
        with _lock:
            _refreshing.discard(site_id)


def _close_thread_connections() -> None:
    """A background thread's own database connections, closed as it ends."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


# --- the delay history (tickets called lately) ---------------------------------------------------
_delays: LocalCache = LocalCache("queues.delay_history")


def delay_history_reusing(site_id: int, *, at: datetime, max_age: float):
    """The site's delay history (wait_history.delay_history), read at most every `max_age`
    seconds: live snapshots are built many times a second under load, and the history moves
    with each call, not with each join."""
    from civicdesk.queues.wait_history import delay_history

    return _delays.get_or_load(site_id, lambda: delay_history(site_id, at), ttl=max_age)


# --- every waiting ticket's estimate ------------------------------------------------------------
# One rule for every estimate a waiting visitor is shown (the ticket API, the ticket page, the
# live page and its stream, "your turn is near" by minutes): the queue as it stands; the slow
# history reused for CIVICDESK_LIVE_HISTORY_SECONDS (once more while a thread re-reads it); the
# delay history and the site's estimates themselves reused for CIVICDESK_QUEUES_ESTIMATE_SECONDS.
# The site's estimates are the latest made by any of them: a live snapshot (made after every
# change) replaces them, so an API read or a ticket page in the next moment gives its figures.
def shown_history_seconds() -> float:
    return settings.CIVICDESK_LIVE_HISTORY_SECONDS


def shown_estimate_seconds() -> float:
    return settings.CIVICDESK_QUEUES_ESTIMATE_SECONDS


def shown_state(
    site_id: int, *, at: datetime, history_max_age: float, waiting_limit: int | None = None
) -> SiteState:
    """The site's state as every shown estimate reads it (the rule above)."""
    return site_state_reusing_history(
        site_id, at=at, max_age=history_max_age, refresh_later=True, waiting_limit=waiting_limit
    )


@dataclass
class _Estimates:
    made: float  # time.monotonic()
    at: datetime  # the clock time they were made for
    waits: dict[int, timedelta]
    answer: int | None = None  # None: every waiting ticket; N: the first N of each service
    queue: tuple = ()  # `_queue_key` of the state they were made from


def _queue_key(state: SiteState) -> tuple:
    """What of `state` moves only when the queue does (not with the clock): who waits, in which
    lane since when, which counters are open, and the visit each busy one is in (by its start)."""
    at = state.at.timestamp()
    return (
        tuple((sid, tuple(jobs)) for sid, jobs in sorted(state.waiting.items())),
        tuple(state.open_counters),
        tuple(None if v is None else (v[0], round(at - v[1], 3)) for v in state.busy),
        state.waiting_counts and tuple(sorted(state.waiting_counts.items())),
    )


_estimates: dict[int, _Estimates] = {}
_estimate_locks: dict[int, threading.Lock] = {}


def _young(cached: _Estimates | None, max_age: float) -> bool:
    """Made less than `max_age` seconds ago, by the process's time and by the clock."""
    return (
        cached is not None
        and time.monotonic() - cached.made < max_age
        and 0 <= (now() - cached.at).total_seconds() < max_age
    )


def shown_head() -> tuple[int | None, int]:
    """(waiting read per lane, estimates given per service) for the site's estimates: the first
    CIVICDESK_LIVE_ORDER_LIMIT of each service, what live pages list (with the horizon at 0, the
    estimator plays everyone out and reads everyone). A ticket further back has them made for
    the whole queue (`ticket_wait`)."""
    from civicdesk.queues.estimation import estimate_horizon

    order_limit = settings.CIVICDESK_LIVE_ORDER_LIMIT
    horizon = estimate_horizon()
    return (max(order_limit, horizon) if horizon > 0 else None), order_limit


def _make_estimates(
    site_id: int,
    *,
    max_age: float,
    history_max_age: float,
    complete: bool = False,
    state: SiteState | None = None,
    answer: int | None = None,
) -> _Estimates:
    """The site's estimates now: for the head of each service (`shown_head`), or with
    `complete` for everyone; from `state` (read by `shown_state`) with `answer` if given."""
    from civicdesk.queues.estimation import estimate_waits

    made = time.monotonic()
    if state is None:
        waiting_limit, answer = (None, None) if complete else shown_head()
        state = shown_state(
            site_id, at=now(), history_max_age=history_max_age, waiting_limit=waiting_limit
        )
    delays = delay_history_reusing(site_id, at=state.at, max_age=max_age)
    waits = estimate_waits(site_id, state=state, answer=answer, delays=delays)
    return _Estimates(made, state.at, waits, answer, _queue_key(state))


def site_estimates(
    site_id: int,
    *,
    max_age: float,
    history_max_age: float = 0,
    made_after: datetime | None = None,
    complete: bool = False,
) -> dict:
    """{ticket id: estimated wait} for the head of each service of the site (`shown_head`; with
    `complete`, for every waiting ticket), at most `max_age` old (and, with `made_after`, made
    for a later time than that). One thread per site makes them again when they run out; the
    others in that moment wait for its answer instead of all replaying the whole site at once
    (ticket pages and API reads arrive in bursts after a call)."""

    def usable(cached: _Estimates | None) -> bool:
        return (
            _young(cached, max_age)
            and (made_after is None or cached.at > made_after)
            and (not complete or cached.answer is None)
        )

    if max_age <= 0:
        return _make_estimates(
            site_id, max_age=0, history_max_age=history_max_age, complete=complete
        ).waits
    if usable(cached := _estimates.get(site_id)):
        return cached.waits
    lock = _estimate_locks.setdefault(site_id, threading.Lock())
    with lock:
        if usable(cached := _estimates.get(site_id)):
            return cached.waits
        made = _make_estimates(
            site_id, max_age=max_age, history_max_age=history_max_age, complete=complete
        )
        _estimates[site_id] = made
    return made.waits


def snapshot_estimates(state: SiteState, site_id: int, *, answer: int | None) -> dict:
    """The estimates of a live snapshot, from `state` (read by `shown_state`), for the first
    `answer` of each service: the site's estimates while they are younger than
    CIVICDESK_QUEUES_ESTIMATE_SECONDS and the queue has not moved since they were made (a page
    opened just after an event shows what the event said), else made now and kept as the site's
    estimates, which the ticket API and the ticket page read next."""
    max_age = shown_estimate_seconds()
    kept = _estimates.get(site_id)
    if (
        _young(kept, max_age)
        and (kept.answer is None or (answer is not None and kept.answer >= answer))
        and kept.queue == _queue_key(state)
    ):
        return kept.waits
    made = _make_estimates(
        site_id,
        max_age=max_age,
        history_max_age=shown_history_seconds(),
        answer=answer,
        state=state,
    )
    kept = _estimates.get(site_id)
    if max_age > 0 and (kept is None or kept.at <= made.at):  # not over newer ones
        _estimates[site_id] = made
    return made.waits


def ticket_wait(ticket, *, max_age: float, history_max_age: float = 0) -> timedelta:
    """The wait shown to `ticket` now, from the site's estimates at most `max_age` old (a ticket
    that joined after they were made, or further back than a live snapshot lists, has them made
    again; one they leave out, at a service that closed say, does not). Zero once called."""
    from civicdesk.queues.models import TicketStatus

    if ticket.status != TicketStatus.WAITING:
        return timedelta(0)
    if max_age <= 0:  # nothing kept: made for the whole queue, as she is anywhere in it
        waits = site_estimates(
            ticket.site_id, max_age=0, history_max_age=history_max_age, complete=True
        )
        return waits.get(ticket.pk, timedelta(0))
    waits = site_estimates(ticket.site_id, max_age=max_age, history_max_age=history_max_age)
    if ticket.pk in waits:
        return waits[ticket.pk]
    made = _estimates.get(ticket.site_id)
    # Its last move into the queue: joining, or coming back (a transfer keeps its queued_at).
    moved = max(t for t in (ticket.queued_at, ticket.last_called_at, ticket.started_at) if t)
    if made is not None and made.answer is not None:  # a snapshot's head only
        waits = site_estimates(
            ticket.site_id, max_age=max_age, history_max_age=history_max_age, complete=True
        )
    made = _estimates.get(ticket.site_id)
    if ticket.pk not in waits and made is not None and made.at <= moved:
        waits = site_estimates(
            ticket.site_id,
            max_age=max_age,
            history_max_age=history_max_age,
            made_after=moved,
            complete=True,
        )
    return waits.get(ticket.pk, timedelta(0))


def shown_estimates_now(site_id: int) -> dict:
    """Every waiting ticket's estimate, made now from the queue as it stands (inside the
    transaction that just moved it: "your turn is near" by minutes) under the rule above, and
    not kept (the change may not commit)."""
    made = _make_estimates(
        site_id,
        max_age=shown_estimate_seconds(),
        history_max_age=shown_history_seconds(),
        complete=True,
    )
    return made.waits


def shown_wait(ticket) -> timedelta:
    """The wait shown to `ticket` now, wherever she reads it (the ticket API, the ticket page, a
    live page that does not list her): `ticket_wait` under the rule above."""
    return ticket_wait(
        ticket, max_age=shown_estimate_seconds(), history_max_age=shown_history_seconds()
    )


# --- the wait told at join ----------------------------------------------------------------------
@dataclass
class _Anchor:
    made: float  # time.monotonic()
    seconds: float
    values: dict | None
    ahead: int
    per_place: float  # seconds one more person ahead adds


_anchors: dict[tuple[int, int, str], _Anchor] = {}
_computing: set[tuple[int, int, str]] = set()
STALE_FACTOR = 5  # while one thread recomputes, others may use an anchor this many max_ages old


def join_estimate(
    ticket, *, max_age: float, history_max_age: float = 0
) -> tuple[timedelta, dict | None, int]:
    """(wait, the predictors behind it, people ahead) for `ticket`, which is joining now.

    max_age 0: `ticket` is saved already and the estimator runs for it. max_age > 0: `ticket` is
    not saved yet (its estimate goes into the insert that numbers it); the estimator runs for
    someone joining its service and lane now, at most once every max_age seconds. When that
    anchor has just run out (younger than STALE_FACTOR × max_age), the join is placed from it
    once more while a background thread runs the estimator again: at a site with thousands
    waiting a run costs tens of ms, which no visitor's join should wait for."""
    if max_age <= 0:
        return _compute_joined(ticket, history_max_age)
    from civicdesk.queues.selectors import people_ahead_of_new

    key = (ticket.site_id, ticket.service_id, ticket.lane)
    ahead = people_ahead_of_new(ticket.service, ticket.lane)
    with _lock:
        anchor = _anchors.get(key)
        age = time.monotonic() - anchor.made if anchor is not None else None
        fresh = age is not None and age < max_age
        recent = age is not None and age < STALE_FACTOR * max_age
        busy = key in _computing
        later = recent and not fresh and not busy and _can_refresh_later()
        if not fresh and not busy:
            _computing.add(key)
    if fresh or (recent and busy):
        return _from_anchor(anchor, ahead)
    owned = not fresh and not busy  # this call marked the key as being computed
    if later:
        job = (ticket.site_id, ticket.service_id, ticket.lane, history_max_age)
        try:
            threading.Thread(
                target=_recompute_anchor, args=job, name=f"join-estimate-{key}", daemon=True
            ).start()
        except RuntimeError:  # no thread to be had: the next join computes it itself
            with _lock:
                _computing.discard(key)
        return _from_anchor(anchor, ahead)
    try:
        return _make_anchor(key, ticket, history_max_age, ahead)
    finally:
        if owned:  # not the mark of a background thread still computing
            with _lock:
                _computing.discard(key)


def _make_anchor(key, ticket, history_max_age: float, ahead: int):
    wait, values, per_place = _compute_new(ticket, history_max_age)
    with _lock:
        _anchors[key] = _Anchor(time.monotonic(), wait.total_seconds(), values, ahead, per_place)
    return wait, values, ahead


def _recompute_anchor(site_id: int, service_id: int, lane: str, history_max_age: float) -> None:
    """A new anchor for (site, service, lane), on a thread of its own (`join_estimate`)."""
    from civicdesk.queues.models import Service, Ticket
    from civicdesk.queues.selectors import people_ahead_of_new

    key = (site_id, service_id, lane)
    try:
        service = Service.objects.get(pk=service_id)
        joining = Ticket(site_id=site_id, service=service, lane=lane, queued_at=now())
        _make_anchor(key, joining, history_max_age, people_ahead_of_new(service, lane))
    except Exception:  # the old anchor is used until it is too old, then a join runs it
        log.exception("queues: could not re-run the join estimate of %s", key)
    finally:
        _close_thread_connections()
        with _lock:
            _computing.discard(key)


def _per_place(state: SiteState, service_id: int) -> float:
    capacity = _capacity(state, service_id)
    return state.per_call.get(service_id, 600.0) / capacity


def _compute_joined(ticket, history_max_age: float):

    from civicdesk.queues.estimation import estimate_with_predictors

    state = site_state_reusing_history(ticket.site_id, at=now(), max_age=history_max_age)
    wait, values = estimate_with_predictors(ticket, state=state)
    ahead = int(values["k"]) if values and "k" in values else 0
    return wait, values, ahead


def _compute_new(ticket, history_max_age: float):

    from civicdesk.queues.estimation import Job, _delta, predict
    from civicdesk.queues.wait_history import delay_history

    state = site_state_reusing_history(ticket.site_id, at=now(), max_age=history_max_age)
    if ticket.service_id not in state.services:
        return timedelta(0), None, 0.0
    job = Job(None, ticket.service_id, ticket.queued_at, ticket.lane)
    predicted = predict(state, delay_history(ticket.site_id, state.at), extra=job, answer=0)
    seconds, values = predicted[None]
    return _delta(seconds), values, _per_place(state, ticket.service_id)


# The predictors that count the people ahead move with the place; the others (the last visitor
# to be called, how long the head of the line has waited) are the site's, shared by everyone.
_BY_PLACE = ("ql", "mc", "naive", "pos")


def _from_anchor(anchor: _Anchor, ahead: int) -> tuple[timedelta, dict | None, int]:
    delta = (ahead - anchor.ahead) * anchor.per_place
    seconds = max(anchor.seconds + delta, 0.0)
    values = None
    if anchor.values is not None:
        values = dict(anchor.values)
        for name in _BY_PLACE:
            if name in values:
                values[name] = max(float(values[name]) + delta, 0.0)
        values["k"] = ahead
    return timedelta(seconds=int(seconds)), values, ahead


def clear() -> None:
    with _lock:
        _history.clear()
        _delays.clear()
        _refreshing.clear()
        _estimates.clear()
        _anchors.clear()
        _computing.clear()
