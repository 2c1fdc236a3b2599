"""A visitor put on hold (sent to fetch a document) read only "On hold": nothing said what to do
next, on the ticket page or the live page, nor to a screen reader."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

HINT = "come back to the counter. You do not need to queue again."


@pytest.fixture
def desk(open_site):
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    counter = CounterFactory(site=open_site, name="3", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    return service, counter, officer


@pytest.mark.django_db
def test_ticket_page_on_hold_says_where_to_come_back(client, desk):
    service, counter, officer = desk
    mine = services.ticket_issue(service=service, channel=Channel.REMOTE)
    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=mine)
    services.ticket_hold(actor=officer, ticket=mine)
    with translation.override("en"):
        page = client.get(reverse("queues:ticket", args=[mine.token])).content.decode()
    assert "come back to counter 3. You do not need to queue again." in page
    with translation.override("en"):
        live = client.get(reverse("live:ticket", args=[mine.token])).content.decode()
    assert HINT in live


@pytest.mark.browser
def test_live_page_tells_the_visitor_on_hold_what_to_do(asgi_server, browser, desk):
    service, counter, officer = desk
    mine = services.ticket_issue(service=service, channel=Channel.REMOTE)
    page = browser.new_context(base_url=asgi_server.url, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/live/ticket/{mine.token}/")
    hint = page.get_by_test_id("hold-hint")
    expect(hint).to_be_hidden()
    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=mine)
    services.ticket_hold(actor=officer, ticket=mine)
    expect(page.get_by_test_id("status")).to_have_text("On hold")
    expect(hint).to_be_visible()
    expect(page.get_by_test_id("announce")).to_contain_text(HINT)
    services.ticket_resume(actor=officer, ticket=mine)
    expect(page.get_by_test_id("status")).to_have_text("Being served")
    expect(hint).to_be_hidden()
