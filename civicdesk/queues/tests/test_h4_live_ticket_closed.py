"""Journey walk H4 (Aisha leaves the queue): her live ticket page kept saying "This page updates by
itself. You can leave it open" and offered "leaving the queue" after the ticket had closed."""

import pytest
from playwright.sync_api import expect

from civicdesk.live.tests import conftest as live
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser]

# The live tests' real ASGI server (streams) and an always-open site.
asgi_server, open_site = live.asgi_server, live.open_site

UPDATES = "This page updates by itself"


def test_live_ticket_stops_promising_updates_once_closed(asgi_server, browser, axe, open_site):
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    mine = services.ticket_issue(service=service, channel=Channel.REMOTE)
    context = browser.new_context(
        base_url=asgi_server.url, locale="en-GB", viewport={"width": 375, "height": 812}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/live/ticket/{mine.token}/")
    expect(page.get_by_text(UPDATES)).to_be_visible()
    expect(page.get_by_role("link", name="Ticket details and leaving the queue")).to_be_visible()

    services.ticket_cancel(ticket=mine)  # left from another tab
    expect(page.get_by_test_id("announce")).to_have_text("Your ticket is closed: Cancelled.")
    expect(page.get_by_text(UPDATES)).to_be_hidden()
    expect(page.get_by_role("link", name="Ticket details", exact=True)).to_be_visible()
    assert axe(page) == []

    page.reload()  # and so it is when the page is opened again
    expect(page.get_by_test_id("status")).to_have_text("Cancelled")
    expect(page.get_by_text(UPDATES)).to_be_hidden()
    expect(page.get_by_role("link", name="Ticket details", exact=True)).to_be_visible()
    context.close()
