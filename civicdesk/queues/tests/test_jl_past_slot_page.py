"""A booking page opened for a time that has since started says so, instead of offering a form
(book, or join a "full" time's waitlist) that can only be refused once filled in."""

from datetime import datetime

import pytest
import time_machine

from civicdesk.queues.models import WaitlistEntry
from civicdesk.queues.tests.conftest import HK
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(clock, service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 14)
    book(slot)  # full: the page would offer its waitlist
    return slot


def test_a_started_time_says_it_has_passed_without_a_form(client, slot):
    with time_machine.travel(datetime(2026, 3, 3, 14, 20, tzinfo=HK), tick=False):
        page = client.get(f"/queues/appointments/slot/{slot.id}/")
        posted = client.post(
            f"/queues/appointments/slot/{slot.id}/",
            {"action": "waitlist", "name": "Wei", "email": "wei@example.org"},
        )
    html = page.content.decode()
    assert page.status_code == 200
    assert "This time has passed. Choose a later one." in html
    assert 'name="email"' not in html and "join its waitlist" not in html
    assert "This time has passed" in posted.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_a_time_still_to_come_keeps_its_form(client, slot):
    html = client.get(f"/queues/appointments/slot/{slot.id}/").content.decode()
    assert 'name="email"' in html and "join its waitlist" in html
