"""An offer link used twice: accepted in one tab, then in a second tab (or opened again from the
email later) it leads to the appointment made, not to an error or a dead end."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from civicdesk.queues import appointments as appts
from civicdesk.queues.models import Appointment, WaitlistStatus
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(clock, service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 14)
    first = book(slot)
    entry = appts.waitlist_join(slot=slot, name="Aisha", email="aisha@example.org")
    appts.appointment_cancel(appointment=first)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    return entry


def test_accepting_again_gives_the_same_appointment(offered):
    first = appts.waitlist_accept(entry=offered)
    again = appts.waitlist_accept(entry=offered)
    assert again.pk == first.pk
    assert Appointment.objects.filter(slot=offered.slot, status="booked").count() == 1


def test_second_tab_accept_lands_on_the_appointment(client, offered):
    url = reverse("queues:offer", args=[offered.token])
    first = client.post(url, {"action": "accept"})
    appointment = Appointment.objects.get(slot=offered.slot, status="booked")
    target = reverse("queues:appointment", args=[appointment.token])
    assert first.status_code == 302 and first.url == target
    second = client.post(url, {"action": "accept"})
    assert second.status_code == 302 and second.url == target


def test_offer_link_opened_after_accepting_links_to_the_appointment(client, offered):
    appointment = appts.waitlist_accept(entry=offered)
    with translation.override("en"):
        page = client.get(reverse("queues:offer", args=[offered.token])).content.decode()
    assert reverse("queues:appointment", args=[appointment.token]) in page
    assert appointment.reference in page


def test_declining_after_accepting_is_refused_and_keeps_the_booking(client, offered):
    appointment = appts.waitlist_accept(entry=offered)
    response = client.post(reverse("queues:offer", args=[offered.token]), {"action": "decline"})
    assert response.status_code in (409, 422)
    appointment.refresh_from_db()
    offered.refresh_from_db()
    assert appointment.status == "booked" and offered.status == WaitlistStatus.ACCEPTED


def test_an_offer_running_out_tomorrow_says_which_day(offered):
    """Offered at 23:00, held two hours: 'until 01:00' read as an hour already gone."""
    from datetime import datetime

    import time_machine

    from civicdesk.queues.tests.conftest import HK

    late = datetime(2026, 3, 2, 23, 0, tzinfo=HK)
    offered.offer_expires_at = datetime(2026, 3, 3, 1, 0, tzinfo=HK)
    offered.save(update_fields=["offer_expires_at"])
    with translation.override("en"):
        assert appts.offer_until_text(offered, at=late) == "Tuesday 3 March, 01:00"
        same_day = datetime(2026, 3, 3, 0, 30, tzinfo=HK)
        assert appts.offer_until_text(offered, at=same_day) == "01:00"
    with time_machine.travel(late, tick=False), translation.override("en"):
        page = Client().get(reverse("queues:offer", args=[offered.token])).content.decode()
    assert "until Tuesday 3 March, 01:00" in page
