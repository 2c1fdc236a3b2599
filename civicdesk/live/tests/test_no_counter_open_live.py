"""The live ticket page says when no counter is open for its service, and changes when one
opens or closes (see queues/tests/test_no_counter_open.py for the other pages)."""

import pytest
from playwright.sync_api import expect

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory
from civicdesk.queues.tests.test_no_counter_open import CLOSED


@pytest.mark.browser
def test_live_page_changes_when_a_counter_opens(asgi_server, browser, open_site, settings):
    settings.CIVICDESK_LIVE_COALESCE_MS = 0
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    counter = CounterFactory(site=open_site, name="3", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    mine = services.ticket_issue(service=service, channel=Channel.REMOTE)
    page = browser.new_context(base_url=asgi_server.url, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/live/ticket/{mine.token}/")
    expect(page.get_by_test_id("wait")).to_have_text(CLOSED)
    services.counter_open(actor=officer, counter=counter)
    expect(page.get_by_test_id("wait")).to_have_text("Less than a minute")
    services.counter_close(actor=officer, counter=counter)
    expect(page.get_by_test_id("wait")).to_have_text(CLOSED)
