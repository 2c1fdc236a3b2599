"""In a real browser: the keyboard reaches the cancel question (not a cancelled appointment), the
lost-race booking page and an unbookable day's page explain themselves, and all pass axe."""

from datetime import datetime

import pytest
import time_machine

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues import appointments as appts
from civicdesk.queues.models import Appointment, AppointmentStatus, WaitlistEntry
from civicdesk.queues.tests.conftest import HK
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=HK)
TUESDAY_SLOT = datetime(2026, 3, 3, 10, 30, tzinfo=HK)


@pytest.fixture
def slot(agency):
    with time_machine.travel(MONDAY, tick=True):
        site = SiteFactory(agency=agency, code="HCC", name="Harbour Central")
        service = ServiceFactory(
            site=site, name="Passport renewal", prefix="A", appointments_enabled=True,
            slot_minutes=30, slot_capacity=1,
        )  # fmt: skip
        yield next(
            s
            for s in appts.slots_ensure(service=service, day=TUESDAY_SLOT.date())
            if s.starts_at == TUESDAY_SLOT
        )


def test_keyboard_cancel_asks_first(page, axe, slot):
    appointment = appts.appointment_book(slot=slot, name="Wei", email="wei@example.org")
    page.goto(f"/queues/appointment/{appointment.token}/")
    link = page.get_by_role("button", name="Cancel appointment")
    for _ in range(40):  # Tab to it, as a keyboard user does
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    page.keyboard.press("Enter")
    page.get_by_role(
        "heading",
        name="Are you sure you want to cancel your appointment on Tuesday 3 March 2026 at 10:30?",
    ).wait_for()
    assert axe(page) == []
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED

    page.get_by_role("link", name="No, keep it").click()
    page.get_by_role("heading", name="Your appointment").wait_for()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED

    page.get_by_role("button", name="Cancel appointment").click()
    page.get_by_role("button", name="Yes, cancel").click()
    page.get_by_role("heading", name="Your appointment is cancelled").wait_for()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_lost_race_offers_the_waitlist_as_a_choice(page, axe, slot):
    page.goto(f"/queues/appointments/slot/{slot.id}/")
    page.get_by_label("Full name").fill("Ana")
    page.get_by_label("Email address").fill("ana@example.org")
    appts.appointment_book(slot=slot, name="Wei", email="wei@example.org")  # someone was quicker
    page.get_by_role("button", name="Book").click()
    page.get_by_text("has just been booked by someone else").first.wait_for()
    assert axe(page) == []
    assert not WaitlistEntry.objects.exists() and Appointment.objects.count() == 1
    page.get_by_role("button", name="Join the waitlist").click()
    page.get_by_role("heading", name="You are on the waitlist").wait_for()
    assert WaitlistEntry.objects.get().email == "ana@example.org"


def test_closed_day_is_explained(page, axe, slot):
    page.goto(f"/queues/HSG/HCC/appointments/?service={slot.service_id}&day=2026-03-08")
    page.get_by_test_id("day-problem").wait_for()
    assert page.get_by_test_id("day-problem").inner_text() == (
        "The office is closed on Sunday 8 March."
    )
    assert axe(page) == []
    page.get_by_role("link", name="Monday 9 March").click()
    page.get_by_role("link", name="Book 14:00").wait_for()
