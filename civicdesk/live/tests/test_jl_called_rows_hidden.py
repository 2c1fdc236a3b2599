"""Once called (or served), the live ticket page no longer shows "Your place" and "Estimated
wait": the rows carried `hidden`, but GOV.UK's summary-list row style (display: table-row on
wider screens) showed them anyway, so a called visitor read "You are next · less than a
minute" under "Please go to counter 1" (journey 5, in Chinese)."""

import pytest
from playwright.sync_api import expect

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory


@pytest.mark.browser
def test_a_called_visitor_does_not_see_her_place_or_wait(asgi_server, browser, open_site):
    service = ServiceFactory(site=open_site, name="Payments", prefix="A")
    counter = CounterFactory(site=open_site, name="1", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    mine = services.ticket_issue(service=service, channel=Channel.REMOTE)
    services.ticket_call_next(actor=officer, counter=counter)
    context = browser.new_context(
        base_url=asgi_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/live/ticket/{mine.token}/")
    expect(page.get_by_test_id("called-counter")).to_be_visible()
    expect(page.get_by_test_id("ahead")).to_be_hidden()
    expect(page.get_by_test_id("wait")).to_be_hidden()
    context.close()
