"""Server-Sent Events: async views that hold no database connection while they wait."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import StreamingHttpResponse

from civicdesk.live import bus


def last_event_id(request) -> int | None:
    """Where the client stopped: the `Last-Event-ID` header a reconnecting EventSource sends,
    or `?last_event_id=` (the id the page was rendered at, for the first connection)."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or ""
    raw = raw.strip()
    if raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


def _frame(message: dict) -> str:
    data = json.dumps(message["data"], separators=(",", ":"), default=str)
    return f"id: {message['id']}\nevent: {message['type']}\ndata: {data}\n\n"


def _replay(channels: list[str], after: int) -> list[dict]:
    try:
        return bus.replay(channels, after)
    finally:
        bus.release_connection()


async def event_stream(channels: list[str], after: int | None) -> AsyncIterator[str]:
    """Missed events after `after` (from the table), then live ones, with heartbeats."""
    await bus.hub.ensure_listener()
    subscriber = bus.hub.subscribe(channels)  # before reading the table: nothing slips between
    heartbeat = settings.CIVICDESK_LIVE_HEARTBEAT_SECONDS
    try:
        yield f"retry: {settings.CIVICDESK_LIVE_RETRY_MS}\n\n"
        last = after or 0
        sent: set[int] = set()
        if after is not None:
            for message in await sync_to_async(_replay)(channels, after):
                sent.add(message["id"])
                last = max(last, message["id"])
                yield _frame(message)
        while not subscriber.overflowed:
            try:
                message = await asyncio.wait_for(subscriber.queue.get(), heartbeat)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if message is bus.RESYNC:
                for missed in await sync_to_async(_replay)(channels, last):
                    if missed["id"] not in sent:
                        sent.add(missed["id"])
                        last = max(last, missed["id"])
                        yield _frame(missed)
                continue
            if message["id"] in sent:
                continue
            sent.add(message["id"])
            if len(sent) > 2000:
                sent = {i for i in sent if i > last - 1000}
            last = max(last, message["id"])
            yield _frame(message)
    finally:
        bus.hub.unsubscribe(subscriber)


def sse_response(channels: list[str], request) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        event_stream(channels, last_event_id(request)), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache, no-store, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
