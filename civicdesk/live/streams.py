"""Server-Sent Events: async streams that hold no database connection (and no thread) while
they wait.

Each event's frame is serialised once (`frame`) and the same bytes go to every stream; idle
streams get a comment line from the hub's one heartbeat timer per event loop, so waiting costs a
stream nothing but its queue.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import StreamingHttpResponse

from civicdesk.live import bus

KEEP_ALIVE = b": keep-alive\n\n"


def last_event_id_from(header: str | None, query: str | None) -> int | None:
    """Where the client stopped: the `Last-Event-ID` header a reconnecting EventSource sends,
    or `?last_event_id=` (the id the page was rendered at, for the first connection)."""
    raw = (header or query or "").strip()
    if raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


def last_event_id(request) -> int | None:
    return last_event_id_from(
        request.headers.get("Last-Event-ID"), request.GET.get("last_event_id")
    )


def frame(message: dict) -> bytes:
    """The SSE frame of one event, serialised once however many streams send it."""
    cached = message.get("_frame")
    if cached is None:
        data = json.dumps(message["data"], separators=(",", ":"), default=str)
        cached = f"id: {message['id']}\nevent: {message['type']}\ndata: {data}\n\n".encode()
        message["_frame"] = cached
    return cached


def _replay(channels: list[str], after: int) -> list[dict]:
    try:
        return bus.replay(channels, after)
    finally:
        bus.release_connection()


async def event_stream(channels: list[str], after: int | None) -> AsyncIterator[bytes]:
    """Missed events after `after` (from the table), then live ones, with heartbeats."""
    await bus.hub.ensure_listener()
    subscriber = bus.hub.subscribe(channels)  # before reading the table: nothing slips between
    replay = sync_to_async(_replay, thread_sensitive=False)
    try:
        yield f"retry: {settings.CIVICDESK_LIVE_RETRY_MS}\n\n".encode()
        last = after or 0
        sent: set[int] = set()
        if after is not None:
            for message in await replay(channels, after):
                sent.add(message["id"])
                last = max(last, message["id"])
                yield frame(message)
        get = subscriber.queue.get
        while not subscriber.overflowed:
            message = await get()
            if message is bus.HEARTBEAT:
                yield KEEP_ALIVE
                continue
            if message is bus.RESYNC:
                for missed in await replay(channels, last):
                    if missed["id"] not in sent:
                        sent.add(missed["id"])
                        last = max(last, missed["id"])
                        yield frame(missed)
                continue
            if message["id"] in sent:
                continue
            sent.add(message["id"])
            if len(sent) > 2000:
                sent = {i for i in sent if i > last - 1000}
            last = max(last, message["id"])
            yield frame(message)
    finally:
        bus.hub.unsubscribe(subscriber)


SSE_HEADERS = {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache, no-store, no-transform",
    "X-Accel-Buffering": "no",  # nginx: pass each event on at once
}


def sse_response(channels: list[str], request) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        event_stream(channels, last_event_id(request)), content_type=SSE_HEADERS["Content-Type"]
    )
    response["Cache-Control"] = SSE_HEADERS["Cache-Control"]
    response["X-Accel-Buffering"] = SSE_HEADERS["X-Accel-Buffering"]
    return response
