"""Journey 3 in a real browser: Mr Lim takes a priority ticket at the kiosk in large text, and the
officer serves him from the counter screen with the keyboard alone. Every page passes axe."""

import re

import pytest
import time_machine

from civicdesk.organisations.tests.factories import TEST_PASSWORD, SiteFactory, StaffFactory
from civicdesk.queues.models import Ticket, TicketPeriod, TicketStatus
from civicdesk.queues.services import ticket_issue as issue
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_morning():
    with time_machine.travel(OPEN_MORNING, tick=True):
        yield


def press(page, key):
    """Press a shortcut once the counter screen's script is listening."""
    page.locator("body[data-shortcuts-ready]").wait_for(state="attached")
    page.keyboard.press(key)


def test_mr_lim_kiosk_to_counter_keyboard_only(page, axe, agency, open_morning):
    site = SiteFactory(agency=agency, code="HCC", name="Harbour Central Customer Centre")
    service = ServiceFactory(site=site, name="Rent and payments", prefix="A")
    ServiceFactory(site=site, name="Tenancy matters", prefix="B")
    counter = CounterFactory(site=site, name="3", services=[service])
    officer = StaffFactory(agency=agency, sites=[site])

    # Kiosk, English, large text.
    page.goto("/queues/HSG/HCC/kiosk/")
    assert axe(page) == []
    page.get_by_role("link", name="Large text").click()
    assert "queues-kiosk--large" in page.locator("body").get_attribute("class")
    assert axe(page) == []
    page.get_by_role("button", name=re.compile("Rent and payments")).click()
    assert axe(page) == []
    page.get_by_role("button", name="Aged 65 or over").click()
    page.wait_for_url("**/kiosk/ticket/**")
    assert page.get_by_test_id("number").inner_text() == "A001"
    assert axe(page) == []
    ticket = Ticket.objects.get()
    assert (ticket.lane, ticket.channel) == ("elderly", "kiosk")

    # The officer signs in and works the counter with the keyboard alone.
    page.goto(f"/staff/sign-in/?next=/queues/staff/counters/{counter.id}/")
    page.get_by_label("Username").focus()
    page.keyboard.type(officer.user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"^http://[^/]+/queues/staff/counters/{counter.id}/$"))
    assert axe(page) == []
    assert "N" in page.get_by_test_id("shortcuts").inner_text()

    press(page, "n")
    page.wait_for_load_state()
    page.get_by_text("Called A001.").first.wait_for()  # banner, then the spoken copy
    assert page.get_by_test_id("current-number").inner_text() == "A001"
    assert axe(page) == []
    press(page, "s")
    page.get_by_text("Serving A001.").first.wait_for()
    press(page, "o")
    page.keyboard.type("Paid two months' rent")
    page.keyboard.press("Escape")
    press(page, "f")
    page.get_by_text("Finished A001.").first.wait_for()
    assert page.get_by_role("heading", name="Nobody at the counter").is_visible()
    assert axe(page) == []

    page.goto("/queues/staff/")
    assert axe(page) == []
    issue(service=service, channel="remote", lane="pregnant")
    page.goto(f"/queues/staff/sites/{site.id}/")
    assert page.get_by_role("button", name="Remove A002").is_visible()
    assert axe(page) == []

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE
    assert ticket.outcome_note == "Paid two months' rent"
    assert list(TicketPeriod.objects.filter(ticket=ticket).values_list("status", flat=True)) == [
        "waiting",
        "called",
        "serving",
    ]


def test_remote_join_and_ticket_pages_pass_axe(page, axe, agency, open_morning):
    site = SiteFactory(agency=agency, code="HCC", name="Harbour Central")
    service = ServiceFactory(site=site, name="Passport renewal", prefix="A")
    page.goto(f"/queues/HSG/HCC/?service={service.id}")
    assert axe(page) == []
    page.get_by_role("button", name="Join the queue").click()
    page.wait_for_url("**/queues/ticket/**")
    assert "A001" in page.get_by_role("heading", level=1).inner_text()
    assert axe(page) == []
    # An error is announced and linked.
    page.goto("/queues/HSG/HCC/")
    page.get_by_label("Tell me when this many people are ahead of me").select_option("3")
    page.get_by_role("button", name="Join the queue").click()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert axe(page) == []
