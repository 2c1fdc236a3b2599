"""A Chinese display board names its services in Chinese, also after live updates redraw its
"next" table (events carry one name for every page; the page keeps its own names)."""

import pytest
from playwright.sync_api import expect

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser]


def test_board_keeps_chinese_service_names_as_it_updates(asgi_server, browser, axe, open_site):
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A",
                             names={"zh-hant": "護照續期"})  # fmt: skip
    counter = CounterFactory(site=open_site, name="3", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    first = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_issue(service=service, channel=Channel.KIOSK)

    page = browser.new_context(base_url=asgi_server.url, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/language/zh-hant/?next=/live/{open_site.agency.code}/{open_site.code}/board/")
    table = page.locator("[data-next]")
    expect(table).to_contain_text("護照續期")
    assert axe(page) == []

    services.ticket_call_next(actor=officer, counter=counter)
    expect(page.get_by_test_id("now-number")).to_have_text(first.number)  # an update arrived
    expect(table).to_contain_text("護照續期")
    expect(table).not_to_contain_text("Passport renewal")
