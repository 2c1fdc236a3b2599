"""Journey 5 on a phone (375×812), keyboard only, with axe: a waitlist offer that ran out says
so, the next person accepts theirs, and checking in late on the appointment page is still
possible (as a walk-in) and says so, where it used to announce a check-in time in the past."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine

from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues import appointments as appts
from civicdesk.queues.tests.conftest import HK
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=HK)
TUESDAY_SLOT = datetime(2026, 3, 3, 10, 30, tzinfo=HK)
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def _press(page, name: str) -> None:
    """Tab to the control named `name` and press Enter: no pointer."""
    for _step in range(60):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.innerText || document.activeElement.value")
        if label and label.strip() == name:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError(f"no control {name!r} reached with Tab on {page.url}")


def _offer_path(email: str) -> str:
    body = OutboxMessage.objects.get(to=email, subject__startswith="A place is free").body
    return re.search(r"https?://[^\s]+(/queues/offer/[^/\s]+/)", body).group(1)


def test_offer_ran_out_next_accepts_and_late_check_in_on_a_phone(phone, axe, agency):
    with time_machine.travel(MONDAY, tick=True) as clock:
        site = SiteFactory(agency=agency, code="HCC", name="Harbour Central")
        service = ServiceFactory(site=site, name="Passport renewal", prefix="A",
                                 appointments_enabled=True, slot_minutes=30, slot_capacity=1,
                                 late_grace_minutes=15)  # fmt: skip
        slot = next(s for s in appts.slots_ensure(service=service, day=TUESDAY_SLOT.date())
                    if s.starts_at == TUESDAY_SLOT)  # fmt: skip
        taken = appts.appointment_book(slot=slot, name="Early Bird", email="early@example.org")
        first = appts.waitlist_join(slot=slot, name="Siti", email="siti@example.org")
        appts.waitlist_join(slot=slot, name="Wei", email="wei@example.org")
        appts.appointment_cancel(appointment=taken)

        # Siti opens her link after the two hours: it says the offer ran out, not "Place offered".
        clock.move_to(MONDAY + timedelta(hours=2, minutes=5))
        phone.goto(_offer_path(first.email))
        phone.get_by_role("heading", name="This offer has run out").wait_for()
        assert phone.get_by_role("button", name="Accept this time").count() == 0
        assert axe(phone) == [] and _fits(phone) is None

        # The job moves the place on; Wei accepts his, with the keyboard.
        appts.waitlist_expire_due()
        phone.goto(_offer_path("wei@example.org"))
        assert axe(phone) == [] and _fits(phone) is None
        _press(phone, "Accept this time")
        assert "/queues/appointment/" in phone.url
        appointment_url = phone.url

        # On the day, 40 minutes late (the slot ended at 11:00): still checked in, as a walk-in.
        clock.move_to(TUESDAY_SLOT + timedelta(minutes=40))
        phone.goto(appointment_url)
        assert "Check-in opens" not in phone.inner_text("main")
        assert "more than 15 minutes late" in phone.get_by_test_id("check-in-state").inner_text()
        assert axe(phone) == [] and _fits(phone) is None
        _press(phone, "Check in now")
        assert "/queues/ticket/" in phone.url
        assert "so you queue as a walk-in" in phone.inner_text("main")
        assert axe(phone) == [] and _fits(phone) is None


def test_waitlist_page_on_a_phone_lets_you_leave(phone, axe, agency):
    with time_machine.travel(MONDAY, tick=True):
        site = SiteFactory(agency=agency, code="HCC", name="Harbour Central")
        service = ServiceFactory(site=site, name="Passport renewal", prefix="A",
                                 appointments_enabled=True, slot_minutes=30, slot_capacity=1)  # fmt: skip
        slot = next(s for s in appts.slots_ensure(service=service, day=TUESDAY_SLOT.date())
                    if s.starts_at == TUESDAY_SLOT)  # fmt: skip
        appts.appointment_book(slot=slot, name="Early Bird", email="early@example.org")
        entry = appts.waitlist_join(slot=slot, name="Siti", email="siti@example.org")
        phone.goto(f"/queues/offer/{entry.token}/")
        assert axe(phone) == [] and _fits(phone) is None
        _press(phone, "Leave the waitlist")
        phone.get_by_role("heading", name="You left the waitlist").wait_for()
        assert axe(phone) == [] and _fits(phone) is None
