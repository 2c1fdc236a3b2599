"""A waitlist offer email carries a tentative calendar invite; accepting it updates that event."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import appointments as appts
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    return service


def _event(message):
    (invite,) = [a for a in message.attachments if a["mimetype"] == "text/calendar"]
    return Calendar.from_ical(invite["content"]).walk("VEVENT")[0]


def test_offer_email_has_a_tentative_invite_and_accepting_updates_the_same_event(clock, booking):
    slot = slot_at(booking, 14)
    first = book(slot)
    entry = appts.waitlist_join(slot=slot, name="Siti", email="siti@example.org")
    appts.appointment_cancel(appointment=first)

    offer = OutboxMessage.objects.get(
        to="siti@example.org", channel="email", dedupe_key__endswith=":offer:email"
    )
    assert offer.subject.startswith("A place is free")
    offered = _event(offer)
    assert offered.decoded("dtstart") == slot.starts_at
    assert offered.decoded("dtend") == slot.ends_at
    assert str(offered["status"]) == "TENTATIVE"
    expires = OPEN_MORNING + timedelta(hours=appts.OFFER_HOURS)  # 12:00 the same day
    assert "12:00" in str(offered["description"]) and expires.strftime("%B") in str(
        offered["description"]
    )
    assert f"/queues/offer/{entry.token}/" in str(offered["description"])
    assert "tentative" in offer.body

    appointment = appts.waitlist_accept(entry=entry)
    confirmation = OutboxMessage.objects.get(
        to="siti@example.org", subject__startswith="Appointment booked"
    )
    confirmed = _event(confirmation)
    assert str(confirmed["uid"]) == str(offered["uid"])  # the calendar updates, not duplicates
    assert confirmed["sequence"] > offered["sequence"]
    assert str(confirmed["status"]) == "CONFIRMED"
    assert confirmed.decoded("dtstart") == slot.starts_at

    appts.appointment_cancel(appointment=appointment)
    cancelled = _event(
        OutboxMessage.objects.get(
            subject__startswith="Appointment cancelled", to="siti@example.org"
        )
    )
    assert str(cancelled["uid"]) == str(offered["uid"])
    assert cancelled["sequence"] > confirmed["sequence"]


def test_a_direct_booking_keeps_its_own_invite(clock, booking):
    appointment = book(slot_at(booking, 15))
    event = _event(OutboxMessage.objects.get())
    assert str(event["uid"]) == f"appointment-{appointment.token}@civicdesk"
    assert str(event["status"]) == "CONFIRMED"
