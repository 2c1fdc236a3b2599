"""Queue pages show times on the site's clock, not the server's (TIME_ZONE is Hong Kong).

The site here is in London: at 10:00 there it is 18:00 in Hong Kong, so a page showing the
server's clock reads 18:00 and fails.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Tuesday 3 March 2026, 10:00 in London (GMT, UTC+0) = 18:00 in Hong Kong.
LONDON_10 = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)


@pytest.fixture
def london(agency):
    """A Hong Kong agency's office in London: the site's own zone is the one that counts."""
    return SiteFactory(agency=agency, code="LDN", name="London office", timezone="Europe/London")


@pytest.fixture
def london_service(london):
    return ServiceFactory(site=london, name="Visas", prefix="V")


@pytest.fixture
def at_ten():
    with time_machine.travel(LONDON_10, tick=False) as traveller:
        yield traveller


def test_ticket_page_says_when_the_visitor_joined_on_the_sites_clock(
    client, at_ten, london_service
):
    ticket = services.ticket_issue(service=london_service, channel=Channel.REMOTE)
    page = client.get(f"/queues/ticket/{ticket.token}/").content.decode()
    assert ">10:00<" in page
    assert "18:00" not in page


def test_counter_and_site_queue_pages_show_joined_times_on_the_sites_clock(
    client, at_ten, london, london_service
):
    counter = CounterFactory(site=london, name="1", services=[london_service])
    officer = StaffFactory(agency=london.agency, role=Role.FRONTLINE, sites=[london]).user
    first = services.ticket_issue(service=london_service, channel=Channel.KIOSK)
    at_ten.shift(5 * 60)
    services.ticket_issue(service=london_service, channel=Channel.KIOSK)
    client.force_login(officer)
    services.ticket_call_next(actor=officer, counter=counter)
    assert first.number in client.get(f"/queues/staff/counters/{counter.id}/").content.decode()
    counter_page = client.get(f"/queues/staff/counters/{counter.id}/").content.decode()
    assert "joined 10:00" in counter_page  # the visitor being served
    assert "10:05" in counter_page  # the one waiting
    assert "18:0" not in counter_page
    partial = client.get(f"/queues/staff/counters/{counter.id}/queue/").content.decode()
    assert "10:05" in partial and "18:05" not in partial
    site_page = client.get(f"/queues/staff/sites/{london.id}/").content.decode()
    assert "10:05" in site_page and "18:05" not in site_page


@pytest.mark.parametrize("path", ["/queues/HSG/LDN/", "/queues/HSG/LDN/kiosk/"])
def test_a_closed_office_says_when_it_opens_on_its_own_clock(client, london_service, path):
    # 20:00 in London (04:00 next day in Hong Kong): it opens at 09:00 London = 17:00 HK.
    with time_machine.travel(LONDON_10.replace(hour=20), tick=False):
        page = client.get(path).content.decode()
    assert "Wednesday 4 March, 09:00" in page
    assert "17:00." not in page
