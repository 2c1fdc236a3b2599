"""A site's estimator state whose slow-moving history is reused for a while (per process).

`site_state` reads, besides the queues, weeks of service times and hours of joins and give-ups;
those barely move from one second to the next but cost most of the reading. Live pages and
public joins (many a second at a busy site) reuse them for up to `max_age` seconds of the clock;
the queues themselves (who waits, which counters are open and busy) are read every time. The
estimator's maths are unchanged. With max_age 0 everything is read every time (tests, the waits
simulation, which calls `ticket_issue` without it).

With `refresh_later` (live snapshots), history that has just gone stale (younger than twice
`max_age`) is used once more while a background thread reads it again, so the occasional full
read (hundreds of ms at a site with thousands of tickets a day) is not paid by the event that
happens to come first after `max_age`. On an in-memory SQLite database (tests), which another
thread cannot share, it is read at once as before.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from django.db import connection, connections

from civicdesk.core.clock import now
from civicdesk.queues.estimation import SiteState, site_state

log = logging.getLogger(__name__)

_history: dict[int, SiteState] = {}
_refreshing: set[int] = set()
_lock = threading.Lock()


def site_state_reusing_history(
    site_id: int, *, at: datetime, max_age: float, refresh_later: bool = False
) -> SiteState:
    previous = _history.get(site_id) if max_age > 0 else None
    if previous is not None:
        age = (at - previous.at).total_seconds()
        if not 0 <= age < max_age:
            if refresh_later and max_age <= age < 2 * max_age and _can_refresh_later():
                _refresh_in_background(site_id)
            else:
                previous = None
    state = site_state(site_id, at=at, history=previous)
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
        _history[site_id] = site_state(site_id, at=now())
    except Exception:  # the stale history is used until the next try
        log.exception("queues: could not re-read the estimator history of site %s", site_id)
    finally:
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close()  # this thread's own connection
        with _lock:
            _refreshing.discard(site_id)


def clear() -> None:
    _history.clear()
