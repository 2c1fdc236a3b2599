"""Server-Sent Events: async streams that hold no database connection (and no thread) while
they wait.

Each event's frame is serialised once (`frame`) and the same bytes go to every stream; idle
streams get a keep-alive from the hub's one heartbeat timer per event loop, so waiting costs a
stream nothing but its queue.

The keep-alive is a comment (for proxies) and an `alive` event without an id (a comment never
reaches the page's script): a phone whose connection died silently (no close: a tunnel, sleep)
hears nothing more, and live.mjs reconnects when nothing came for a few intervals. Having no id,
it leaves the browser's Last-Event-ID alone, so a reconnect replays from the last real event.
Its data is the interval in seconds; every stream opens with one, so the page knows at once.
"""

from __future__ import annotations

import asyncio
import functools
import json
import types
from collections import deque
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import StreamingHttpResponse

from civicdesk.live import bus


@functools.cache
def _keep_alive(seconds: float) -> bytes:
    return f": keep-alive\nevent: alive\ndata: {seconds:g}\n\n".encode()


def keep_alive() -> bytes:
    """The keep-alive frame: a comment and an `alive` event with no id (see above)."""
    return _keep_alive(float(settings.CIVICDESK_LIVE_HEARTBEAT_SECONDS))


def last_event_id_from(header: str | None, query: str | None) -> int | None:
    """Where the client stopped: the `Last-Event-ID` header a reconnecting EventSource sends,
    or `?last_event_id=` (the id the page was rendered at, for the first connection)."""
    raw = (header or query or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) < 19:  # int("²") fails
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


class Seen:
    """Which events a stream has sent: replays and live delivery may overlap, each goes once."""

    def __init__(self, after: int | None) -> None:
        self.last = after or 0
        self.ids: set[int] = set()

    def accept(self, message: dict) -> bool:
        if message["id"] in self.ids:
            return False
        self.ids.add(message["id"])
        if len(self.ids) > 2000:
            self.ids = {i for i in self.ids if i > self.last - 1000}
        self.last = max(self.last, message["id"])
        return True


def retry_hint() -> bytes:
    """A stream's first bytes: the reconnect delay, and a first keep-alive (it tells the page
    how often to expect one)."""
    return f"retry: {settings.CIVICDESK_LIVE_RETRY_MS}\n\n".encode() + keep_alive()


async def replay_in_thread(channels: list[str], after: int) -> list[dict]:
    return await sync_to_async(_replay, thread_sensitive=False)(channels, after)


async def event_stream(channels: list[str], after: int | None) -> AsyncIterator[bytes]:
    """Missed events after `after` (from the table), then live ones, with heartbeats."""
    await bus.hub.ensure_listener()
    subscriber = bus.hub.subscribe(channels)  # before reading the table: nothing slips between
    replay = sync_to_async(_replay, thread_sensitive=False)
    try:
        yield retry_hint()
        seen = Seen(after)
        if after is not None:
            for message in await replay(channels, after):
                if seen.accept(message):
                    yield frame(message)
        get = subscriber.queue.get
        while not subscriber.overflowed:
            message = await get()
            if message is bus.HEARTBEAT:
                yield keep_alive()
                continue
            if message is bus.RESYNC:
                for missed in await replay(channels, seen.last):
                    if seen.accept(missed):
                        yield frame(missed)
                continue
            if seen.accept(message):
                yield frame(message)
    finally:
        bus.hub.unsubscribe(subscriber)


@types.coroutine
def _resume(coroutine, blocker):
    """Await the rest of `coroutine`, which was started by hand and is waiting on `blocker`."""
    try:
        yield blocker  # the task waits for the future the coroutine is waiting for
    except BaseException:
        coroutine.close()
        raise
    return (yield from coroutine)


class DirectStream:
    """An ASGI stream written by the hub's fan-out loop itself (`Subscriber.sink`).

    With thousands of streams, waking one task per stream per event (queue, generator, ASGI
    send) cost more than the writes. Here each event's frame is handed to the stream's ASGI
    `send` right in the fan-out loop: the coroutine is started by hand and, as uvicorn's send
    does unless the client's socket is full, finishes without waiting. If it must wait
    (backpressure), the rest runs in a task and later events queue behind it, in order; a
    stream more than `bus.BACKLOG` events behind is ended (the client reconnects and replays).
    A reconnected LISTEN (RESYNC) replays from the table in that task too.
    """

    def __init__(self, channels: list[str], send, seen: Seen) -> None:
        self.channels = channels
        self.send = send
        self.seen = seen
        self.loop = asyncio.get_running_loop()
        self.done = self.loop.create_future()  # set when the stream should end
        self.backlog: deque[dict] = deque()
        self.busy: asyncio.Task | None = None

    def __call__(self, message: dict) -> None:
        if self.done.done():
            return
        if self.busy is not None or message is bus.RESYNC:
            if message is not bus.HEARTBEAT:  # a stream that is writing needs none
                self.backlog.append(message)
                if len(self.backlog) > bus.BACKLOG:
                    self.end()
                elif self.busy is None:
                    self.busy = self.loop.create_task(self._catch_up(None))
            return
        if message is bus.HEARTBEAT:
            self._write(keep_alive())
        elif self.seen.accept(message):
            self._write(frame(message))

    def _write(self, chunk: bytes) -> None:
        coroutine = self.send({"type": "http.response.body", "body": chunk, "more_body": True})
        try:
            blocker = coroutine.send(None)
        except StopIteration:
            return  # written
        except Exception:  # the client went away mid-write
            coroutine.close()
            self.end()
            return
        self.busy = self.loop.create_task(self._catch_up(_resume(coroutine, blocker)))

    async def _catch_up(self, pending) -> None:
        replay = sync_to_async(_replay, thread_sensitive=False)
        try:
            if pending is not None:
                await pending
            while self.backlog:
                message = self.backlog.popleft()
                if message is bus.RESYNC:
                    missed = await replay(self.channels, self.seen.last)
                    chunks = [frame(m) for m in missed if self.seen.accept(m)]
                elif self.seen.accept(message):
                    chunks = [frame(message)]
                else:
                    chunks = []
                for chunk in chunks:
                    await self.send(
                        {"type": "http.response.body", "body": chunk, "more_body": True}
                    )
        except asyncio.CancelledError:
            raise
        except Exception:  # the client went away mid-write, or the table could not be read
            self.end()
        finally:
            self.busy = None

    def end(self) -> None:
        if not self.done.done():
            self.done.set_result(None)

    def close(self) -> None:
        self.end()
        if self.busy is not None:
            self.busy.cancel()


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
