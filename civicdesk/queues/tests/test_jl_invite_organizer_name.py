"""The calendar invite names the agency in the reader's language, as its summary and location
do (journey 5: a waitlist offer in Simplified Chinese named the organizer in English)."""

import pytest
from icalendar import Calendar

from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import appointments as appts
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


def _organizer_name(message) -> str:
    (invite,) = [a for a in message.attachments if a["mimetype"] == "text/calendar"]
    event = Calendar.from_ical(invite["content"]).walk("VEVENT")[0]
    return str(event["organizer"].params["cn"])


def test_offer_and_appointment_invites_name_the_agency_in_her_language(clock, service):
    agency = service.site.agency
    agency.names = {"zh-hans": "房屋委员会", "zh-hant": "房屋委員會"}
    agency.save()
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 14)
    first = book(slot)
    entry = appts.waitlist_join(
        slot=slot, name="王小明", email="wang@example.cn", language="zh-hans"
    )
    appts.appointment_cancel(appointment=first)
    offer = OutboxMessage.objects.get(
        to="wang@example.cn", channel="email", dedupe_key__endswith=":offer:email"
    )
    assert _organizer_name(offer) == "房屋委员会"
    entry.refresh_from_db()
    appts.waitlist_accept(entry=entry)
    confirmed = OutboxMessage.objects.filter(to="wang@example.cn", channel="email").latest("id")
    assert confirmed.pk != offer.pk
    assert _organizer_name(confirmed) == "房屋委员会"
    cancelled = OutboxMessage.objects.get(
        to=first.email, subject__startswith="Appointment cancelled"
    )
    assert _organizer_name(cancelled) == agency.name  # an English reader keeps the English name
