"""Appointment pages, emails and calendar invites give times on the site's clock.

The server's TIME_ZONE is Hong Kong (UTC+8); the site is in London (UTC+0 in March), so every
time read on the server's clock is 8 hours off and the assertions below fail.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from icalendar import Calendar

from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues import appointments as appts
from civicdesk.queues.models import Appointment, WaitlistEntry
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Tuesday 3 March 2026, 10:00 in London = 18:00 in Hong Kong.
LONDON_10 = datetime(2026, 3, 3, 10, 0, tzinfo=LONDON)
WEDNESDAY = LONDON_10.date() + timedelta(days=1)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def at_ten():
    with time_machine.travel(LONDON_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def booking(agency):
    site = SiteFactory(agency=agency, code="LDN", name="London office", timezone="Europe/London")
    return ServiceFactory(
        site=site, name="Visas", prefix="V", appointments_enabled=True, slot_minutes=30,
        slot_capacity=1,
    )  # fmt: skip


def _slot(service, hour):
    starts = datetime(WEDNESDAY.year, WEDNESDAY.month, WEDNESDAY.day, hour, tzinfo=LONDON)
    return next(s for s in appts.slots_ensure(service=service, day=WEDNESDAY)
                if s.starts_at == starts)  # fmt: skip


def test_slots_follow_the_sites_opening_hours_on_its_clock(at_ten, booking):
    slots = appts.slots_ensure(service=booking, day=WEDNESDAY)
    assert slots[0].starts_at == datetime(2026, 3, 4, 9, 0, tzinfo=LONDON)


def test_finding_and_booking_a_time_shows_the_sites_clock(client, at_ten, booking):
    page = client.get(f"/queues/HSG/LDN/appointments/?service={booking.id}&day=2026-03-04")
    text = page.content.decode()
    assert "Book 09:00" in text and "Book 16:30" in text
    assert "Book 17:00" not in text  # 09:00 in London on Hong Kong's clock
    slot = _slot(booking, 14)
    form = client.get(f"/queues/appointments/slot/{slot.id}/").content.decode()
    assert "Wednesday 4 March 2026, 14:00" in form
    response = client.post(f"/queues/appointments/slot/{slot.id}/",
                           {"name": "Wei", "email": "wei@example.org", "action": "book"})  # fmt: skip
    appointment = Appointment.objects.get()
    assert response.url == f"/queues/appointment/{appointment.token}/"
    page = client.get(response.url).content.decode()
    assert "Wednesday 4 March 2026, 14:00" in page
    assert "Check-in opens 4 March, 13:30." in page
    assert "22:00" not in page and "21:30" not in page
    cancel = client.get(f"/queues/appointment/{appointment.token}/cancel/").content.decode()
    assert "on Wednesday 4 March 2026 at 14:00?" in cancel
    kiosk = client.post("/queues/HSG/LDN/kiosk/check-in/", {"reference": appointment.reference})
    assert "Too early: check-in opens at 13:30 on 4 March." in kiosk.content.decode()


def test_confirmation_email_and_invite_give_the_sites_time(at_ten, booking):
    slot = _slot(booking, 14)
    appts.appointment_book(slot=slot, name="Wei", email="wei@example.org")
    message = OutboxMessage.objects.get()
    assert "Wednesday 4 March 2026, 14:00" in message.subject
    assert "booked for Wednesday 4 March 2026, 14:00" in message.body
    assert "22:00" not in message.body
    invite = message.attachments[0]["content"]
    # The invite is in UTC: 14:00 in London in March is 14:00Z (calendars show it locally).
    assert "DTSTART:20260304T140000Z" in invite
    event = Calendar.from_ical(invite).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def test_waitlist_pages_and_offer_give_the_sites_time(client, at_ten, booking):
    slot = _slot(booking, 14)
    first = appts.appointment_book(slot=slot, name="Wei", email="wei@example.org")
    joined = client.post(f"/queues/appointments/slot/{slot.id}/",
                         {"name": "Ana", "email": "ana@example.org", "phone": "+447700900123",
                          "action": "waitlist"}, follow=True).content.decode()  # fmt: skip
    assert "Wednesday 4 March, 14:00" in joined
    appts.appointment_cancel(appointment=first)
    entry = WaitlistEntry.objects.get()
    assert entry.status == "offered"
    # Held for OFFER_HOURS from 10:00 in London.
    until = (LONDON_10 + timedelta(hours=appts.OFFER_HOURS)).strftime("%H:%M")
    offers = OutboxMessage.objects.filter(related_type="queues.waitlistentry").exclude(
        dedupe_key__endswith=":joined:email"  # the join's own confirmation (q1)
    )
    assert offers.count() == 2  # email and text message
    for offer in offers:
        assert "on Wednesday 4 March 2026, 14:00" in offer.body
        assert f"held for you until {until}." in offer.body
    page = client.get(f"/queues/offer/{entry.token}/").content.decode()
    assert "Wednesday 4 March 2026, 14:00" in page
    assert f"It is held for you until {until}." in page
