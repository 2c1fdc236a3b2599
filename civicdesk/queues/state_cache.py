"""A site's estimator state whose slow-moving history is reused for a while (per process).

`site_state` reads, besides the queues, weeks of service times and hours of joins and give-ups;
those barely move from one second to the next but cost most of the reading. Live pages and
public joins (many a second at a busy site) reuse them for up to `max_age` seconds of the clock;
the queues themselves (who waits, which counters are open and busy) are read every time. The
estimator's maths are unchanged. With max_age 0 everything is read every time (tests, the waits
simulation, which calls `ticket_issue` without it).
"""

from __future__ import annotations

from datetime import datetime

from civicdesk.queues.estimation import SiteState, site_state

_history: dict[int, SiteState] = {}


def site_state_reusing_history(site_id: int, *, at: datetime, max_age: float) -> SiteState:
    previous = _history.get(site_id) if max_age > 0 else None
    if previous is not None and not 0 <= (at - previous.at).total_seconds() < max_age:
        previous = None
    state = site_state(site_id, at=at, history=previous)
    if previous is None and max_age > 0:
        _history[site_id] = state
    return state


def clear() -> None:
    _history.clear()
