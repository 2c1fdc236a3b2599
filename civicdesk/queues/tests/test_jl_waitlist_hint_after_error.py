"""The waitlist form sent with a mistake comes back with the waitlist's email hint, not the
booking's "calendar invite" one (journey 5, waitlist form in Chinese)."""

import pytest

from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_slot(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 14)
    book(slot)
    return slot


def test_an_empty_waitlist_form_keeps_the_waitlist_hint(client, clock, full_slot):
    page = client.post(f"/queues/appointments/slot/{full_slot.id}/", {"action": "waitlist"})
    text = page.content.decode()
    assert "Enter your full name." in text
    assert "We email you here if a place comes free." in text
    assert "calendar invite here" not in text


def test_a_booking_form_with_a_mistake_keeps_the_booking_hint(client, clock, service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 15)
    page = client.post(f"/queues/appointments/slot/{slot.id}/", {"action": "book", "name": "Wei"})
    text = page.content.decode()
    assert "We send the confirmation and calendar invite here." in text
    assert "if a place comes free" not in text
