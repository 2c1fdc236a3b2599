"""The public live streams (a ticket's, a display board's), served straight from ASGI.

Django's request cycle costs a stream dearly: its middleware run in a thread of their own per
request (asgiref's thread-sensitive context), and that thread lives as long as the response, so
5,000 open streams were 5,000 idle threads (and 8 MB of stack each). The two public streams
need none of that (no session, no CSRF, no page): `with_live_streams` answers them before
Django, looks the ticket or site up in the shared thread pool, and hands everything else
(unknown tickets and sites included, for Django's own 404 page) to Django. The manager overview
stream needs the signed-in user and stays a Django view (`streams.event_stream`).

A stream here sends what it missed (Last-Event-ID) from the table, then becomes a
`streams.DirectStream`: the hub's fan-out loop writes each live event to it directly, with no
queue and no task switch per stream.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async

from civicdesk.live import bus
from civicdesk.live.streams import (
    SSE_HEADERS,
    DirectStream,
    Seen,
    frame,
    last_event_id_from,
    replay_in_thread,
    retry_hint,
)

TICKET = re.compile(r"/live/ticket/([^/]+)/events")
BOARD = re.compile(r"/live/([^/]+)/([^/]+)/board/events")
HEADERS = [(k.lower().encode(), v.encode()) for k, v in SSE_HEADERS.items()]


def _channels_for(path: str) -> list[str] | None:
    from civicdesk.live import views

    if match := TICKET.fullmatch(path):
        return views._ticket_channels(match.group(1))
    if match := BOARD.fullmatch(path):
        site = views._site_id_or_none(match.group(1), match.group(2))
        return None if site is None else [f"site:{site}"]
    return None


def _is_stream(scope) -> str | None:
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    query = scope.get("query_string", b"")
    if b"\x00" in query or b"%00" in query:
        return None  # Django's NUL check answers
    path = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    if not path.endswith("/events") or "\x00" in path:
        return None
    if TICKET.fullmatch(path) or BOARD.fullmatch(path):
        return path
    return None


def with_live_streams(django_app):
    """Wrap Django's ASGI application so the public live streams skip Django's request cycle."""
    lookup = sync_to_async(_channels_for, thread_sensitive=False)

    async def application(scope, receive, send):
        path = _is_stream(scope)
        if path is None:
            return await django_app(scope, receive, send)
        channels = await lookup(path)
        if channels is None:
            return await django_app(scope, receive, send)
        await _stream(scope, receive, send, channels)

    return application


async def _stream(scope, receive, send, channels: list[str]) -> None:
    headers = {k.lower(): v for k, v in scope.get("headers", [])}
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    after = last_event_id_from(
        headers.get(b"last-event-id", b"").decode("latin-1"),
        (query.get("last_event_id") or [""])[0],
    )
    task = asyncio.current_task()
    disconnected = False

    async def watch() -> None:
        nonlocal disconnected
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                disconnected = True
                task.cancel()
                return

    watcher = asyncio.get_running_loop().create_task(watch())
    direct: DirectStream | None = None
    subscriber = None
    try:
        await bus.hub.ensure_listener()
        subscriber = bus.hub.subscribe(channels)  # before reading the table: nothing slips by
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await send({"type": "http.response.body", "body": retry_hint(), "more_body": True})
        seen = Seen(after)
        if after is not None:
            for message in await replay_in_thread(channels, after):
                if seen.accept(message):
                    await send(
                        {"type": "http.response.body", "body": frame(message), "more_body": True}
                    )
        if not subscriber.overflowed:
            # From here the hub's fan-out writes to this stream itself; what arrived while the
            # table was read goes first (no await in between: nothing can come in meanwhile).
            direct = DirectStream(channels, send, seen)
            while not subscriber.queue.empty():
                direct(subscriber.queue.get_nowait())
            subscriber.sink = direct
            await direct.done  # it fell too far behind, or its client went away
            direct.close()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except asyncio.CancelledError:
        if not disconnected:
            raise
        task.uncancel()
    except OSError:
        pass  # the client went away mid-write
    finally:
        watcher.cancel()
        if subscriber is not None:
            bus.hub.unsubscribe(subscriber)
        if direct is not None:
            direct.close()
