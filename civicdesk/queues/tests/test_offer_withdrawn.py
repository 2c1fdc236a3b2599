"""An offer declined or run out cancels the tentative calendar event its email put in the
person's calendar (same UID, a later SEQUENCE, METHOD:CANCEL), in their language."""

from datetime import timedelta

import pytest
import time_machine
from icalendar import Calendar

from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import appointments as appts
from civicdesk.queues.models import WaitlistStatus
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(clock, service):
    """Siti waits for the only place at 14:00; it comes free and is offered to her."""
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 14)
    first = book(slot)
    entry = appts.waitlist_join(slot=slot, name="Siti", email="siti@example.org", language="ms")
    appts.appointment_cancel(appointment=first)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    return entry


def _calendar(message) -> Calendar:
    (invite,) = [a for a in message.attachments if a["mimetype"] == "text/calendar"]
    return Calendar.from_ical(invite["content"])


def _offer_event(entry):
    offer = OutboxMessage.objects.get(dedupe_key=f"queues:waitlist:{entry.pk}:offer:email")
    return _calendar(offer).walk("VEVENT")[0]


def _withdrawal(entry):
    return OutboxMessage.objects.get(dedupe_key=f"queues:waitlist:{entry.pk}:withdrawn:email")


def _assert_cancels_offer(message, entry):
    calendar = _calendar(message)
    event, offered = calendar.walk("VEVENT")[0], _offer_event(entry)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(offered["uid"])
    assert event["sequence"] > offered["sequence"]
    assert event.decoded("dtstart") == offered.decoded("dtstart")
    assert str(event["organizer"]) == str(offered["organizer"])  # matched by UID and organizer
    assert str(event["organizer"]).startswith("mailto:") and " " not in str(event["organizer"])


def test_declining_an_offer_cancels_its_calendar_entry(offered):
    appts.waitlist_decline(entry=offered)
    message = _withdrawal(offered)
    assert message.to == "siti@example.org"
    assert "Siti" in message.body
    assert "declined" not in message.subject  # Malay, as she joined in Malay
    _assert_cancels_offer(message, offered)


def test_an_offer_that_runs_out_cancels_its_calendar_entry_and_says_where_to_book(offered):
    with time_machine.travel(offered.offer_expires_at + timedelta(minutes=1), tick=False):
        assert appts.waitlist_expire_due() == 1
    offered.refresh_from_db()
    assert offered.status == WaitlistStatus.EXPIRED
    message = _withdrawal(offered)
    _assert_cancels_offer(message, offered)
    site = offered.slot.service.site
    assert f"/queues/{site.agency.code}/{site.code}/appointments/" in message.body


def test_leaving_the_waitlist_before_any_offer_sends_nothing(clock, service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 15)
    book(slot)
    entry = appts.waitlist_join(slot=slot, name="Ali", email="ali@example.org")
    appts.waitlist_decline(entry=entry)
    sent = OutboxMessage.objects.filter(to="ali@example.org")
    assert [m.dedupe_key for m in sent] == [f"queues:waitlist:{entry.pk}:joined:email"]  # q1
