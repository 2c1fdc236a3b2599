"""The ASGI handler `civicdesk serve` runs (config/asgi.py), driven as an ASGI server drives it:
one trip to the request's thread per request, with Django's signals, status codes, streaming
responses and client disconnects behaving as under Django's own handler."""

import asyncio
import threading
import time

import pytest
from django.core import signals
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.test import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from civicdesk.config.asgi import PooledThreadsASGIHandler

seen: dict[str, list] = {}


def hello(request):
    seen.setdefault("view_threads", []).append(threading.get_ident())
    return JsonResponse({"hello": request.GET.get("name", "world")})


def stream(request):
    async def parts():
        for part in (b"one,", b"two,", b"three"):
            yield part

    return StreamingHttpResponse(parts(), content_type="text/csv")


def slow(request):
    time.sleep(0.3)
    seen.setdefault("slow_done", []).append(True)
    return HttpResponse("late")


@csrf_exempt
def echo(request):
    return HttpResponse(request.body[::-1], content_type="text/plain")


urlpatterns = [
    path("hello", hello),
    path("stream", stream),
    path("slow", slow),
    path("echo", echo),
]


def _scope(path_: str, method: str = "GET", query: bytes = b"") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path_,
        "raw_path": path_.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _call(handler, scope, body: bytes = b"", disconnect_after: float | None = None):
    sent: list[dict] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        if messages:
            return messages.pop(0)
        if disconnect_after is None:
            await asyncio.Event().wait()  # the client stays until the response is sent
        await asyncio.sleep(disconnect_after)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await handler(scope, receive, send)
    return sent


def _receiver():
    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()

    return receive


def _sender(sent: list):
    async def send(message):
        sent.append(message)

    return send


def _run(coroutine):
    """asyncio.run on a thread of its own: a session's browser (Playwright's sync API) keeps an
    event loop running on the test thread."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised on the test thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _status_and_body(sent: list[dict]) -> tuple[int, bytes]:
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body


@pytest.fixture
def handler():
    seen.clear()
    with override_settings(ROOT_URLCONF=__name__):
        yield PooledThreadsASGIHandler()


@pytest.fixture
def signal_log():
    log: list[tuple[str, int]] = []

    def started(**kwargs):
        log.append(("started", threading.get_ident()))

    def finished(**kwargs):
        log.append(("finished", threading.get_ident()))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield log
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


def test_a_response_with_both_signals_once_on_the_view_thread(handler, signal_log):
    sent = _run(_call(handler, _scope("/hello", query=b"name=Mei")))
    assert _status_and_body(sent) == (200, b'{"hello": "Mei"}')
    assert [name for name, _ in signal_log] == ["started", "finished"]
    # The signals ran where the view ran: the thread that holds the request's connection.
    assert {thread for _, thread in signal_log} == set(seen["view_threads"])


def test_consecutive_requests_reuse_a_pooled_thread(handler):
    async def two():
        await _call(handler, _scope("/hello"))
        await _call(handler, _scope("/hello"))

    _run(two())
    assert len(seen["view_threads"]) == 2 and len(set(seen["view_threads"])) == 1


def test_the_request_body_reaches_the_view(handler):
    sent = _run(_call(handler, _scope("/echo", method="POST"), body=b"abc"))
    assert _status_and_body(sent) == (200, b"cba")


def test_an_unknown_path_is_a_404_and_still_finishes(handler, signal_log):
    sent = _run(_call(handler, _scope("/nowhere")))
    assert _status_and_body(sent)[0] == 404
    assert [name for name, _ in signal_log] == ["started", "finished"]


def test_a_streaming_response_is_sent_whole_then_closed(handler, signal_log):
    sent = _run(_call(handler, _scope("/stream")))
    assert _status_and_body(sent) == (200, b"one,two,three")
    # Closed after the last chunk went out, not before.
    assert [name for name, _ in signal_log] == ["started", "finished"]
    assert sent[-1] == {"type": "http.response.body"}


def test_a_client_that_goes_away_gets_nothing_and_the_request_finishes(handler, signal_log):
    sent = _run(_call(handler, _scope("/slow"), disconnect_after=0.05))
    assert sent == []
    deadline = time.monotonic() + 5
    while not seen.get("slow_done") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen.get("slow_done") == [True]  # the view's thread ran it to the end
    time.sleep(0.2)  # and closed what it returned
    # Begun on its thread, so finished there, once: not by the event loop as well.
    assert [name for name, _ in signal_log] == ["started", "finished"]


@pytest.mark.parametrize("handler_class", [ASGIHandler, PooledThreadsASGIHandler])
def test_clients_already_gone_at_dispatch_leave_the_signals_paired(handler_class, signal_log):
    """A client gone before its view is dispatched (uvicorn's receive() answers
    `http.disconnect` at once): each request started is finished once, as under Django's own
    handler, whichever side, the thread or the event loop, gets there first."""
    with override_settings(ROOT_URLCONF=__name__):
        handler = handler_class()

        async def many():
            for _ in range(100):
                await _call(handler, _scope("/hello"), disconnect_after=0)

        _run(many())
    time.sleep(0.3)
    names = [name for name, _ in signal_log]
    assert names.count("started") == names.count("finished") == 100


def test_a_failing_request_finished_receiver_fails_after_the_response_is_sent(handler):
    """As under Django's handler: the view's response reaches the client, then the error."""

    def failing(**kwargs):
        raise RuntimeError("receiver failed")

    signals.request_finished.connect(failing)
    sent: list[dict] = []
    try:

        async def one():
            nonlocal sent
            with pytest.raises(RuntimeError, match="receiver failed"):
                await handler(_scope("/hello"), _receiver(), _sender(sent))

        _run(one())
    finally:
        signals.request_finished.disconnect(failing)
    assert _status_and_body(sent) == (200, b'{"hello": "world"}')


def test_one_trip_to_the_request_thread_per_request(handler, monkeypatch):
    from civicdesk.config import asgi

    trips = []
    original = asgi._RequestThread.submit

    def counting(self, fn, /, *args, **kwargs):
        trips.append(fn)
        return original(self, fn, *args, **kwargs)

    monkeypatch.setattr(asgi._RequestThread, "submit", counting)
    sent = _run(_call(handler, _scope("/hello")))
    assert _status_and_body(sent)[0] == 200
    assert len(trips) == 1  # Django's own handler makes three: started, view, close
