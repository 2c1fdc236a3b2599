"""The kiosk ticket (shown and printed) names the office and the time it was taken, on the
office's clock and in the visitor's language, so whoever holds the paper knows where and when.

The server's clock is Hong Kong's; the office is in London (8 hours behind in March)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues.models import Ticket
from civicdesk.queues.tests.factories import ServiceFactory

LONDON_10 = datetime(2026, 3, 3, 10, 5, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday


@pytest.fixture
def london(agency):
    site = SiteFactory(agency=agency, code="LDN", name="London office", timezone="Europe/London",
                       holiday_country="GB")  # fmt: skip
    return ServiceFactory(site=site, name="Visas", prefix="V")


def _ticket_page(client, service):
    client.post("/queues/HSG/LDN/kiosk/", {"service": service.id, "lane": "normal"})
    ticket = Ticket.objects.get()
    return client.get(f"/queues/kiosk/ticket/{ticket.token}/").content.decode()


@pytest.mark.django_db
def test_the_ticket_says_where_and_when_on_the_offices_clock(client, london):
    with time_machine.travel(LONDON_10, tick=False):
        page = _ticket_page(client, london)
    where = page[page.index('data-testid="ticket-where"') :]
    where = where[: where.index("</dl>")]
    assert "London office" in where
    assert "Tuesday 3 March 2026, 10:05" in where  # not 18:05, the server's clock
    assert 'datetime="2026-03-03T10:05:00+00:00"' in where


@pytest.mark.django_db
def test_the_time_reads_as_the_visitors_language_does(client, london):
    client.get("/language/zh-hant/?next=/")
    with time_machine.travel(LONDON_10, tick=False):
        page = _ticket_page(client, london)
    assert "2026年3月3日（星期二）10:05" in page
    assert "取籌時間" in page  # "Joined", as the ticket page labels it


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_ticket_page_with_office_and_time_passes_axe(page, axe, agency):
    site = SiteFactory(agency=agency, code="LDN", name="London office", timezone="Europe/London",
                       holiday_country="GB")  # fmt: skip
    service = ServiceFactory(site=site, name="Visas", prefix="V")
    with time_machine.travel(LONDON_10, tick=True):
        page.goto("/queues/HSG/LDN/kiosk/?text=large")
        page.get_by_role("button", name=re.compile("Visas")).click()
        page.get_by_role("button", name="No priority").click()
        page.wait_for_url("**/kiosk/ticket/**")
        assert page.get_by_test_id("site").inner_text() == "London office"
        assert page.get_by_test_id("taken").inner_text().startswith("Tuesday 3 March 2026, 10:0")
        assert axe(page) == []
        page.emulate_media(media="print")
        assert page.get_by_test_id("ticket-where").is_visible()
    assert service.tickets.count() == 1
