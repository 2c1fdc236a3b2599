"""The display board read from five metres on a 1920×1080 TV. Its own elements carry no GOV.UK
class, so they fell back to the browser's serif (Times, and a Song face for Chinese names), and the
board kept GOV.UK's 960-pixel page width, using half the screen and wrapping the next numbers one
per line. The counter screen's big ticket number was serif too."""

import pytest

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser]

FONT = "getComputedStyle(document.querySelector(%r)).fontFamily"


def test_the_board_is_sans_serif_and_uses_the_whole_tv(asgi_server, browser, axe, open_site):
    service = ServiceFactory(site=open_site, name="Rent and payments", prefix="A")
    long_name = "Applications for transfer of public rental housing tenancy and succession"
    other = ServiceFactory(site=open_site, name=long_name, prefix="B")
    CounterFactory(site=open_site, name="1", services=[service, other])
    for _ in range(4):
        services.ticket_issue(service=service, channel=Channel.KIOSK)
        services.ticket_issue(service=other, channel=Channel.KIOSK)
    context = browser.new_context(
        base_url=asgi_server.url, viewport={"width": 1920, "height": 1080}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/live/{open_site.agency.code}/{open_site.code}/board/")
    for selector in (".live-board__site", "[data-now]", ".live-board__table td"):
        family = page.evaluate(FONT % selector)
        assert family.rstrip().endswith("sans-serif"), (selector, family)
    width = page.evaluate("document.querySelector('.live-board').getBoundingClientRect().width")
    assert width > 1700
    for prefix in ("A", "B"):  # the next numbers on one line, beside a long service name too
        numbers = page.get_by_test_id(f"next-{prefix}")
        lines = numbers.evaluate(
            "cell => { const r = document.createRange(); r.selectNodeContents(cell);"
            " return new Set([...r.getClientRects()].map((rect) => Math.round(rect.top))).size; }"
        )
        assert lines == 1, prefix
    assert axe(page) == []
    context.close()


def test_the_counter_number_is_sans_serif(asgi_server, browser, open_site):
    service = ServiceFactory(site=open_site, name="Rent and payments", prefix="A")
    counter = CounterFactory(site=open_site, name="1", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.counter_open(actor=officer, counter=counter)
    services.ticket_call_next(actor=officer, counter=counter)
    context = browser.new_context(base_url=asgi_server.url)
    page = context.new_page()
    sign_in(page, officer)
    page.set_default_timeout(15_000)
    page.goto(f"/queues/staff/counters/{counter.id}/")
    family = page.evaluate(FONT % "[data-testid=current-number]")
    assert family.rstrip().endswith("sans-serif"), family
    context.close()
