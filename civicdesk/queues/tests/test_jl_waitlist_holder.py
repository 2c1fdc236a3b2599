"""Someone who already holds a place at a time cannot also wait for one there: the next free
place would be offered to her instead of to the next person (journey 5, after accepting)."""

import pytest

from civicdesk.core.errors import Conflict
from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import appointments as appts
from civicdesk.queues.models import WaitlistEntry
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_slot(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 2
    service.save()
    slot = slot_at(service, 14)
    book(slot, email="wang@example.cn")
    book(slot, email="lee@example.org")
    return slot


def test_a_holder_of_the_time_cannot_join_its_waitlist(clock, full_slot):
    with pytest.raises(Conflict) as refused:
        appts.waitlist_join(slot=full_slot, name="王小明", email="WANG@example.cn")
    assert refused.value.code == "already_booked"
    assert not WaitlistEntry.objects.exists()


def test_the_freed_place_goes_to_the_next_person_not_the_holder(client, clock, full_slot):
    page = client.post(
        f"/queues/appointments/slot/{full_slot.id}/",
        {"action": "waitlist", "name": "Wang", "email": "wang@example.cn"},
    )
    assert page.status_code == 200
    assert "You already have an appointment at this time." in page.content.decode()
    appts.waitlist_join(slot=full_slot, name="Siti", email="siti@example.org")
    lee = full_slot.appointments.get(email="lee@example.org")
    appts.appointment_cancel(appointment=lee)
    assert OutboxMessage.objects.filter(to="siti@example.org").exists()
    assert not OutboxMessage.objects.filter(to="wang@example.cn", subject__contains="free").exists()
