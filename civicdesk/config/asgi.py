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
import gc
import os
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler

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
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)

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
