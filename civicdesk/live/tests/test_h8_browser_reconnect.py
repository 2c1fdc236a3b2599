"""A phone whose connection dies silently (a tunnel, sleep: no close, no error) used to show its
live ticket page as it was for ever. Now the page hears an `alive` event every interval; when
nothing comes for a while it shows "Reconnecting…", opens the stream again from the last event
it saw, and catches up with what happened meanwhile."""

import contextlib
import re
import socket
import threading
import time

import pytest
from playwright.sync_api import expect

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser]
STREAM = re.compile(rb"GET (\S+/events\S*) HTTP")


class SilencingProxy:
    """A TCP proxy in front of the server. `silence()` makes the event streams open at that
    moment go quiet: what the server sends on them is dropped, and they stay open."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.streams: list[str] = []  # the stream requests seen, in order
        self.links: list[dict] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            link = {"stream": False, "silent": False, "sockets": (client, server)}
            self.links.append(link)
            threading.Thread(
                target=self._pipe, args=(client, server, link, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pipe, args=(server, client, link, False), daemon=True
            ).start()

    def _pipe(self, source, target, link: dict, upward: bool) -> None:
        try:
            while data := source.recv(65536):
                if upward:
                    for path in STREAM.findall(data):
                        link["stream"] = True
                        self.streams.append(path.decode())
                elif link["silent"]:
                    continue  # the bytes are lost on the way, the connection stays up
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in link["sockets"]:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def silence(self) -> None:
        for link in self.links:
            if link["stream"]:
                link["silent"] = True

    def close(self) -> None:
        self.listener.close()
        for link in self.links:
            for sock in link["sockets"]:
                sock.close()


def test_a_silently_dead_stream_reconnects_and_catches_up(
    asgi_server, browser, settings, open_site
):
    settings.CIVICDESK_LIVE_HEARTBEAT_SECONDS = 0.5
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    counter = CounterFactory(site=open_site, name="3", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    mine = services.ticket_issue(service=service, channel=Channel.REMOTE)
    proxy = SilencingProxy(asgi_server.port)
    context = browser.new_context(
        base_url=proxy.url, viewport={"width": 375, "height": 812}, locale="en-GB"
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/live/ticket/{mine.token}/")
        expect(page.get_by_test_id("ahead")).to_have_text("1 person ahead of you")
        rendered = page.get_attribute("[data-live]", "data-last-event-id")
        deadline = time.monotonic() + 10
        while not proxy.streams:
            assert time.monotonic() < deadline, "the page never opened its stream"
            time.sleep(0.05)
        page.evaluate("""() => {
            const status = document.querySelector("[data-connection]");
            new MutationObserver(() => { if (!status.hidden) window.sawReconnecting = true; })
              .observe(status, { attributes: true });
        }""")
        time.sleep(1)  # the stream is up and alive

        proxy.silence()  # the phone goes into a tunnel
        services.ticket_call_next(actor=officer, counter=counter)  # the one ahead is called
        expect(page.get_by_test_id("ahead")).to_have_text("You are next")
        assert page.evaluate("window.sawReconnecting") is True
        expect(page.get_by_text("Reconnecting…")).to_be_hidden()
        # It opened the stream again from the last event it had seen (the call came after).
        assert len(proxy.streams) >= 2
        assert f"last_event_id={rendered}" in proxy.streams[1], proxy.streams
    finally:
        context.close()
        proxy.close()
