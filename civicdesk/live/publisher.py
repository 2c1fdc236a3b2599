"""Ticket events to live pages, coalesced per site.

Under load a site changes many times a second; building its snapshot (queues, estimates) once
per change would cost every join and call ~10 queries. So `ticket_changed` only notes the change
and a publisher thread in each process builds one snapshot per changed site at most once per
`CIVICDESK_LIVE_COALESCE_MS` (the first change after a quiet spell goes out after a grace of a
few ms, not a whole window) and publishes one site event (the most telling kind: a call wins,
for the board's chime) plus one event per changed ticket on its own channel (not for a new
ticket: SITE_ONLY). With the setting at 0, or
on an in-memory test database a thread cannot share, it publishes at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)

PRECEDENCE = ["called", "recalled", "transferred", "issued"]
GRACE_SECONDS = 0.005
# A ticket's own channel does not get its "issued": no page can be following a ticket before
# it exists, and its page (which follows the site too) learns its place from the site event.
# At a busy site that is most changes: one event row, notification and snapshot fewer a join.
SITE_ONLY = frozenset({"issued"})


def _site_kind(kinds: list[str]) -> str:
    for kind in PRECEDENCE:
        if kind in kinds:
            return kind
    return kinds[-1]


def publish_site_changes(site_id: int, changes: list[tuple[int, str]]) -> None:
    """One snapshot of the site; one site event and one event per changed ticket."""
    from civicdesk.live.bus import publish_many
    from civicdesk.live.snapshot import site_snapshot, ticket_snapshot
    from civicdesk.queues.models import Ticket

    site = site_snapshot(site_id)
    tickets = Ticket.objects.select_related("counter").in_bulk(
        {pk for pk, _kind in changes if pk is not None}
    )
    # Changes of the site with no ticket (a counter opened or closed: ticket id None).
    site_kinds = [kind for pk, kind in changes if pk is None]
    events, summary = [], []
    for pk, kind in changes:
        if pk is None:
            continue
        ticket = tickets.get(pk)
        if ticket is None:
            continue
        if kind in SITE_ONLY:  # the summary needs no place (one far back would be counted)
            mine = ticket_snapshot(ticket)
        else:
            mine = ticket_snapshot(ticket, site)
            events.append((f"ticket:{ticket.token}", kind, {"kind": kind, "ticket": mine}))
        summary.append({"kind": kind, **{k: mine[k] for k in ("number", "status", "counter")}})
    if not summary and not site_kinds:
        return
    if summary:
        kind = _site_kind([c["kind"] for c in summary])
        headline = next((c for c in reversed(summary) if c["kind"] == kind), summary[-1])
        ticket = {k: headline[k] for k in ("number", "status", "counter")}
    else:
        kind, ticket = site_kinds[-1], None
    publish_many(
        [
            (
                f"site:{site_id}",
                kind,
                {"kind": kind, "ticket": ticket, "changes": summary, "site": site},
            ),
            *events,
        ]
    )


class Coalescer:
    def __init__(self) -> None:
        self._pending: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._last = float("-inf")  # when the last batch was taken (time.monotonic())

    def add(self, site_id: int, ticket_id: int | None, kind: str) -> None:
        with self._lock:
            self._pending[site_id].append((ticket_id, kind))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="live-publisher", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        from civicdesk.live.bus import release_connection

        next_at = 0.0  # monotonic time before which the next batch does not start
        while True:
            self._wake.wait()
            # At most one publish per window; the first change after a quiet spell goes out
            # after only a short grace (changes committed together still go out as one). Under
            # a stream of changes, no more than CIVICDESK_LIVE_PUBLISH_SHARE of the time on
            # snapshots (a site with thousands waiting costs one tens of ms): the requests keep
            # the rest.
            window = settings.CIVICDESK_LIVE_COALESCE_MS / 1000
            now_ = time.monotonic()
            time.sleep(max(GRACE_SECONDS, self._last + window - now_, next_at - now_))
            self._last = started = time.monotonic()
            with self._lock:
                batch, self._pending = self._pending, defaultdict(list)
                self._wake.clear()
            try:
                for site_id, changes in batch.items():
                    try:
                        publish_site_changes(site_id, changes)
                    except Exception:  # a live page missing an update must never stop the rest
                        log.exception("live: could not publish changes of site %s", site_id)
            finally:
                release_connection()
                share = max(min(settings.CIVICDESK_LIVE_PUBLISH_SHARE, 1.0), 0.01)
                # Wall time, not this thread's CPU: a snapshot built while the requests hold the
                # GIL takes longer, so a busier process publishes less often (measured with the
                # CPU time instead, `bench queues` lost ~8 % of its operations).
                next_at = started + (time.monotonic() - started) / share


coalescer = Coalescer()


def ticket_changed(site_id: int, ticket_id: int | None, kind: str) -> None:
    """Note a change of a ticket of the site (or of the site itself: `ticket_id` None)."""
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if settings.CIVICDESK_LIVE_COALESCE_MS <= 0 or in_memory:
        publish_site_changes(site_id, [(ticket_id, kind)])
    else:
        coalescer.add(site_id, ticket_id, kind)
