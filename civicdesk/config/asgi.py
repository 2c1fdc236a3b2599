"""The ASGI application uvicorn serves (`civicdesk serve`).

Django runs the sync part of a request (sync middleware, sync views, the ORM) on a thread that
belongs to that request: asgiref's ThreadSensitiveContext, which Django's handler enters for
each request, creates a new one-thread executor and, at the end, joins it from yet another new
thread. Two thread starts per request are a large share of a small request's cost (measured
with `civicdesk bench intake`: about a fifth of the server's time on `/api/v1/ping`).

`PooledThreadsASGIHandler` keeps the same isolation — each request still has one thread to itself
from start to end, so its sync code and its database connection stay on one thread — but takes
that thread from a pool of idle ones and gives it back afterwards, as a threaded WSGI server
does. A thread still running work of a request that ended early (the client went away) is not
given back: it finishes and exits.
"""

import asyncio
import contextlib
import gc
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.asgi import get_asgi_application
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix, set_urlconf
from django.utils.log import log_response

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.config.settings.local")

# Idle threads kept per process; more requests at once than this still get a thread each.
IDLE_THREADS = 64


class _RequestThread(ThreadPoolExecutor):
    """One worker thread; knows whether work is still queued or running on it."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="civicdesk-request")
        # Each counter is written by one thread only (submit: the event loop's; done: the
        # worker's), so reading both is safe without a lock.
        self.submitted = 0
        self.finished = 0

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future) -> None:
        self.finished += 1

    @property
    def idle(self) -> bool:
        return self.submitted == self.finished


class _RequestState:
    """What the event loop and the request's thread agree on, under a lock: whether the thread
    began the request (then it finishes it) or the loop gave it up first (then the loop does)."""

    __slots__ = ("abandoned", "began", "close_error", "closed", "lock")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.began = False
        self.abandoned = False
        self.closed = False  # the thread closed the response (request_finished sent)
        self.close_error: Exception | None = None


class PooledThreadsASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self._idle: list[_RequestThread] = []  # touched from the event loop only
        # CIVICDESK_MAX_REQUESTS: Django requests run at once per process (0: no limit). More
        # wait in the event loop, where waiting is cheap, instead of as threads contending for
        # the GIL. Live streams (/live/) are never held back.
        from django.conf import settings

        self._limit = settings.CIVICDESK_MAX_REQUESTS
        self._running = None  # asyncio.Semaphore, made in the server's event loop

    def load_middleware(self, is_async=False):
        """Django's chain built for sync use, entered on the request's thread in one hop.

        Django's async chain runs the sync-only middleware on the request's thread, then hops
        back to the event loop to resolve the URL and hops to the thread again for the (sync)
        view: two more thread switches per request, ~8 % of the server's time per case under
        `civicdesk bench intake`. Built for sync use, the middleware, the URL resolution and a
        sync view run on the thread in one go; the few async views (live streams for signed-in
        staff) run through async_to_sync on the event loop, as under WSGI, and stream from it.
        """
        super().load_middleware(is_async=False)
        self._sync_chain = self._middleware_chain
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)
        self._respond_on_thread = sync_to_async(self._respond, thread_sensitive=True)

    def _respond(self, request, scope, state: "_RequestState"):
        """Everything a request does on its thread, in one go: Django's `request_started`
        signal, the middleware chain and view, and, for a response already in memory, its
        `close()` (the `request_finished` signal: the database connection goes back to the pool
        before the bytes go out, not after another trip to the thread).

        Once begun, the request is finished here, once, even when the client has gone away
        meanwhile; the event loop sends `request_finished` itself only for a request given up
        before it began (`state`)."""
        with state.lock:
            if state.abandoned:
                return None
            state.began = True
        signals.request_started.send(sender=self.__class__, scope=scope)
        set_urlconf(settings.ROOT_URLCONF)
        response = self._sync_chain(request)
        response._resource_closers.append(request.close)
        if response.status_code >= 400:
            log_response("%s: %s", response.reason_phrase, request.path, response=response,
                         request=request)  # fmt: skip
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        with state.lock:
            abandoned = state.abandoned
        if not response.streaming or abandoned:
            try:
                response.close()
            except Exception as error:  # raised again once the response is sent
                # A `request_finished` receiver failed: as under Django's handler, the error
                # comes after the response went out, not instead of it.
                state.close_error = error
            state.closed = True
        return response

    async def handle(self, scope, receive, send):
        """Django's `ASGIHandler.handle` (5.2) with one hop to the request's thread instead of
        three (`request_started`, the view, `response.close()`: each a thread switch and an
        event-loop wake-up, ~10 % of a server process's time under `civicdesk bench intake`).
        As Django's: the request body is read first, and a client that goes away cancels the
        request (its thread finishes the view on its own)."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            body_file.close()
            await signals.request_started.asend(sender=self.__class__, scope=scope)
            await self.send_response(error_response, send)
            await sync_to_async(error_response.close)()
            return

        state = _RequestState()

        async def process_request():
            response = await self._respond_on_thread(request, scope, state)
            # the client may go away while it is sent
            with contextlib.suppress(asyncio.CancelledError):
                await self.send_response(response, send)
            return response

        tasks = [
            asyncio.create_task(self.listen_for_disconnect(receive)),
            asyncio.create_task(process_request()),
        ]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        try:
            response = tasks[1].result()
        except asyncio.CancelledError:
            with state.lock:
                state.abandoned = True
                began = state.began
            if not began:  # given up before its thread began it: started and finished here
                await signals.request_started.asend(sender=self.__class__, scope=scope)
                await signals.request_finished.asend(sender=self.__class__)
        else:
            if not state.closed:
                await sync_to_async(response.close)()
        body_file.close()
        if state.close_error is not None:
            raise state.close_error

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        if self._limit and not scope["path"].startswith("/live/"):
            if self._running is None:
                self._running = asyncio.Semaphore(self._limit)
            async with self._running:
                return await self._handle(scope, receive, send)
        return await self._handle(scope, receive, send)

    async def _handle(self, scope, receive, send):
        executor = self._idle.pop() if self._idle else _RequestThread()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            if executor.idle and len(self._idle) < IDLE_THREADS:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)


def _application():
    get_asgi_application()  # django.setup(), as Django's own entry point does
    # Imported on first use otherwise: by the first requests of a new process at once, all
    # waiting on the import lock (the holiday tables of every country, ~0.1 s).
    import holidays.countries  # noqa: F401

    try:
        ThreadSensitiveContext(executor=None)
    except TypeError:  # pragma: no cover - an asgiref that takes no executor: Django's own
        return ASGIHandler()
    return PooledThreadsASGIHandler()


django_application = _application()

from civicdesk.live.asgi import with_live_streams  # noqa: E402  (needs Django set up)

# The public live streams (ticket pages, display boards) skip Django's request cycle.
application = with_live_streams(django_application)

# The cyclic garbage collector, tuned for a server holding thousands of live streams (measured
# with `civicdesk bench sse`): each full pass walks every object of the process and stops the
# event loop meanwhile (100-300 ms with 5,000 streams open), and with the default thresholds
# one ran every few seconds under load. Everything imported so far (Django, the apps, their
# libraries) lives as long as the process: it is left out of those passes (`gc.freeze`), and
# collections start after 20,000 new objects instead of 700, so full passes are rarer.
gc.freeze()
gc.set_threshold(20_000, *gc.get_threshold()[1:])
