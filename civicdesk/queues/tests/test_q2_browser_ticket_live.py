"""Journey 4 in a real browser: Aisha joins remotely and stays on the page she lands on
(/queues/ticket/<token>/). It keeps itself current, without Refresh: her place moves as tickets
are served, and when she is called it says which counter. axe-core clean; the kiosk ticket page,
reloaded once the ticket is served, says it is closed."""

import pytest
from playwright.sync_api import expect

from civicdesk.live.tests.conftest import asgi_server, open_site  # noqa: F401
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel, Ticket
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser]


def _serve_next(officer, counter):
    ticket = services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=ticket)
    services.ticket_finish(actor=officer, ticket=ticket)
    return ticket


def test_the_ticket_page_she_lands_on_updates_by_itself(asgi_server, browser, axe, open_site):  # noqa: F811
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    officer = StaffFactory(agency=open_site.agency, sites=[open_site]).user
    first = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_issue(service=service, channel=Channel.KIOSK)

    context = browser.new_context(base_url=asgi_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)  # the first page of a cold server
    page.goto(f"/queues/{open_site.agency.code}/{open_site.code}/?service={service.id}")
    page.locator("#id_phone").fill("+60 12 345 6789")
    page.get_by_role("button", name="Join the queue").click()
    page.wait_for_url("**/queues/ticket/**")
    expect(page.get_by_test_id("ahead")).to_have_text("2")
    expect(page.get_by_test_id("called-panel")).to_be_hidden()
    assert axe(page) == []
    mine = Ticket.objects.get(phone="+60 12 345 6789")

    counter = CounterFactory(site=open_site, name="1", services=[service])  # no reload after
    _serve_next(officer, counter)
    expect(page.get_by_test_id("ahead")).to_have_text("1")
    _serve_next(officer, counter)
    expect(page.get_by_test_id("ahead")).to_have_text("0")
    assert services.ticket_call_next(actor=officer, counter=counter).pk == mine.pk
    expect(page.get_by_test_id("called-panel")).to_be_visible()
    expect(page.get_by_test_id("called-counter")).to_have_text("1")
    expect(page.get_by_test_id("status")).to_have_text("Called")
    expect(page.get_by_test_id("ahead")).to_be_hidden()
    expect(page.get_by_test_id("announce")).to_contain_text("go to counter 1")
    assert axe(page) == []

    kiosk = context.new_page()
    kiosk.goto(f"/queues/kiosk/ticket/{first.token}/")
    expect(kiosk.get_by_test_id("state")).to_have_text("Your ticket is closed: Served.")
    assert axe(kiosk) == []
    context.close()
