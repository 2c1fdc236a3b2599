"""The event bus behind every live page.

`publish(channel, type, payload)` stores a `LiveEvent` and, once the surrounding transaction
commits, hands it to every waiting stream:

- on SQLite, in this process: the `Hub` puts it on the streams' queues;
- on PostgreSQL, in every process: the insert is followed by `pg_notify` in the same transaction
  (PostgreSQL sends notifications only on commit), and one listener per process (one psycopg 3
  async connection doing `LISTEN`) fans each notification out to its own streams.

A stream that was away asks for the events after its `Last-Event-ID` from the table (`replay`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections, transaction

from civicdesk.live.models import LiveEvent

log = logging.getLogger(__name__)

PG_CHANNEL = "civicdesk_live"
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; bigger events are fetched by id.
PG_PAYLOAD_LIMIT = 7800
RESYNC = {"type": "__resync__"}  # listener lost events (reconnected): streams replay from the table
HEARTBEAT = {"type": "__heartbeat__"}  # an idle stream sends a keep-alive (streams.py)
BACKLOG = 1000  # messages a stream may fall behind by before it is dropped (and replays)


def _uses_notify() -> bool:
    return connection.vendor == "postgresql"


# --- publishing -----------------------------------------------------------------------------------
def publish(channel: str, type: str, payload: dict) -> LiveEvent:
    """Store one event and deliver it after commit. See `publish_many`."""
    return publish_many([(channel, type, payload)])[0]


def publish_many(events: Iterable[tuple[str, str, dict]]) -> list[LiveEvent]:
    """Store events (channel, type, payload) in one insert and deliver them after commit."""
    with transaction.atomic():
        rows = LiveEvent.objects.bulk_create(
            [LiveEvent(channel=c, type=t, payload=p) for c, t, p in events]
        )
        messages = [row.as_message() for row in rows]
        if _uses_notify():
            texts = []
            for message in messages:
                text = json.dumps(message, separators=(",", ":"), default=str)
                if len(text.encode()) > PG_PAYLOAD_LIMIT:
                    text = json.dumps({"id": message["id"], "fetch": True})
                texts.append(text)
            with connection.cursor() as cursor:  # one round trip, sent in this order
                cursor.execute(
                    "SELECT pg_notify(%s, m) FROM unnest(%s::text[]) AS t(m)",
                    [PG_CHANNEL, texts],
                )
        else:
            transaction.on_commit(lambda: hub.deliver(messages))
    return rows


def replay(channels: list[str], after: int, *, limit: int = 500) -> list[dict]:
    """Events on `channels` with an id above `after`, oldest first (at most `limit`)."""
    rows = LiveEvent.objects.filter(channel__in=channels, id__gt=after).order_by("id")[:limit]
    return [row.as_message() for row in rows]


def latest_id() -> int:
    last = LiveEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def release_connection() -> None:
    """Give back this thread's database connection: an idle stream holds none."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


# --- delivering in this process -------------------------------------------------------------------
@dataclass(eq=False)
class Subscriber:
    """A stream's place in the hub. Messages go on its queue, which the stream's generator
    reads; or, once the stream sets `sink` (a callable run on its event loop), straight to the
    sink from the hub's fan-out loop, with no queue and no task switch per stream."""

    channels: frozenset[str]
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(maxsize=BACKLOG))
    overflowed: bool = False
    sink: Callable[[dict], None] | None = None

    def offer(self, message: dict) -> None:
        if self.sink is not None:
            try:
                self.sink(message)
            except Exception:  # one broken stream must not stop the fan-out to the others
                log.exception("live: a stream's sink failed")
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            # A client that cannot keep up is dropped; it reconnects and replays from the table.
            self.overflowed = True


class Hub:
    """The streams of this process, by channel. Thread-safe: publishers run in worker threads."""

    def __init__(self) -> None:
        self._by_channel: dict[str, set[Subscriber]] = defaultdict(set)
        self._by_loop: dict[asyncio.AbstractEventLoop, set[Subscriber]] = defaultdict(set)
        self._heartbeats: dict[asyncio.AbstractEventLoop, asyncio.TimerHandle] = {}
        self._lock = threading.Lock()
        self._listener: PgListener | None = None

    def subscribe(self, channels: Iterable[str]) -> Subscriber:
        """Call from the event loop that will read the subscriber's queue."""
        loop = asyncio.get_running_loop()
        subscriber = Subscriber(channels=frozenset(channels), loop=loop)
        with self._lock:
            for channel in subscriber.channels:
                self._by_channel[channel].add(subscriber)
            self._by_loop[loop].add(subscriber)
            if loop not in self._heartbeats:
                self._schedule_heartbeat(loop)
        return subscriber

    def _schedule_heartbeat(self, loop: asyncio.AbstractEventLoop) -> None:
        delay = settings.CIVICDESK_LIVE_HEARTBEAT_SECONDS
        self._heartbeats[loop] = loop.call_later(delay, self._heartbeat, loop)

    def _heartbeat(self, loop: asyncio.AbstractEventLoop) -> None:
        """One timer per event loop (not one per stream): idle streams send a comment line."""
        with self._lock:
            subscribers = list(self._by_loop.get(loop, ()))
            if subscribers:
                self._schedule_heartbeat(loop)
            else:
                self._heartbeats.pop(loop, None)
        for subscriber in subscribers:
            if subscriber.sink is not None or subscriber.queue.empty():
                subscriber.offer(HEARTBEAT)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            on_loop = self._by_loop.get(subscriber.loop)
            if on_loop is not None:
                on_loop.discard(subscriber)
                if not on_loop:
                    del self._by_loop[subscriber.loop]
            for channel in subscriber.channels:
                subs = self._by_channel.get(channel)
                if subs is not None:
                    subs.discard(subscriber)
                    if not subs:
                        del self._by_channel[channel]

    def subscriber_count(self) -> int:
        with self._lock:
            return sum(len(subs) for subs in self._by_loop.values())

    def deliver(self, messages: list[dict]) -> None:
        """Hand messages to the streams listening on their channels (from any thread)."""
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Subscriber, dict]]] = defaultdict(list)
        with self._lock:
            for message in messages:
                if message is RESYNC:
                    for loop, subs in self._by_loop.items():
                        by_loop[loop].extend((s, message) for s in subs)
                    continue
                for subscriber in self._by_channel.get(message["channel"], ()):
                    by_loop[subscriber.loop].append((subscriber, message))
        for loop, batch in by_loop.items():
            if loop.is_closed():
                continue
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                _offer_all(batch)
            else:
                loop.call_soon_threadsafe(_offer_all, batch)

    async def ensure_listener(self) -> None:
        """On PostgreSQL, start this process's one LISTEN connection (once per event loop)."""
        if not _uses_notify():
            return
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._listener is not None and self._listener.loop is loop:
                return
            if self._listener is not None:
                self._listener.stop()
            self._listener = PgListener(self, loop)
        await self._listener.started.wait()


def _offer_all(batch: list[tuple[Subscriber, dict]]) -> None:
    for subscriber, message in batch:
        subscriber.offer(message)


# --- delivering across processes (PostgreSQL) -----------------------------------------------------
def _conninfo() -> dict:
    s = connections["default"].settings_dict
    params = {
        "dbname": s["NAME"],
        "user": s.get("USER") or None,
        "password": s.get("PASSWORD") or None,
        "host": s.get("HOST") or None,
        "port": s.get("PORT") or None,
    }
    options = s.get("OPTIONS", {})
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "options"):
        if key in options:
            params[key] = options[key]
    return {k: v for k, v in params.items() if v is not None}


class PgListener:
    """One async psycopg connection per process, LISTENing and fanning out to the Hub."""

    def __init__(self, hub: Hub, loop: asyncio.AbstractEventLoop) -> None:
        self.hub = hub
        self.loop = loop
        self.started = asyncio.Event()
        self._task = loop.create_task(self._run())

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self._task.cancel)

    async def _run(self) -> None:
        import psycopg

        delay = 0.5
        first = True
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    **_conninfo(), autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {PG_CHANNEL}")
                    if not first:
                        self.hub.deliver([RESYNC])  # events may have passed while we were away
                    first, delay = False, 0.5
                    self.started.set()
                    async for notify in conn.notifies():
                        await self._handle(notify.payload)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep listening whatever happened
                log.exception("live: LISTEN connection lost; reconnecting in %.1fs", delay)
                self.started.set()  # streams still work from the table meanwhile
                await asyncio.sleep(delay)
                delay = min(delay * 2, settings.CIVICDESK_LIVE_RETRY_MS / 1000)

    async def _handle(self, payload: str) -> None:
        try:
            message = json.loads(payload)
        except ValueError:
            return
        if message.get("fetch"):
            from asgiref.sync import sync_to_async

            message = await sync_to_async(_fetch, thread_sensitive=False)(message["id"])
            if message is None:
                return
        self.hub.deliver([message])


def _fetch(event_id: int) -> dict | None:
    try:
        row = LiveEvent.objects.filter(pk=event_id).first()
        return row.as_message() if row else None
    finally:
        release_connection()


hub = Hub()


def reset_for_tests() -> None:
    """Forget the listener (its loop or database may be gone)."""
    with contextlib.suppress(Exception):
        if hub._listener is not None:
            hub._listener.stop()
    hub._listener = None
    with hub._lock:
        for handle in hub._heartbeats.values():
            with contextlib.suppress(Exception):
                handle.cancel()
        hub._heartbeats.clear()
