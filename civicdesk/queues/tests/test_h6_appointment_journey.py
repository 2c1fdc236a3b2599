"""Journey 5 walked again as the citizen: what the appointment, offer and waitlist pages and the
emails say at each turn must be true, and a time booked twice by one person is one place."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import appointments as appts
from civicdesk.queues.models import Appointment, WaitlistStatus
from civicdesk.queues.tests.conftest import HK
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def booking(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.late_grace_minutes = 15
    service.save()
    return service


@pytest.fixture
def offered(clock, booking):
    slot = slot_at(booking, 14)
    first = book(slot)
    entry = appts.waitlist_join(slot=slot, name="Aisha", email="aisha@example.org")
    appts.appointment_cancel(appointment=first)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    return entry


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- checking in near the time, late, and after the day ------------------------------------------
def test_late_after_the_slot_ended_the_page_still_checks_in_as_a_walk_in(client, clock, booking):
    appointment = book(slot_at(booking, 11))
    url = reverse("queues:appointment", args=[appointment.token])
    clock.move_to(datetime(2026, 3, 3, 11, 50, tzinfo=HK))  # the 11:00 slot ended at 11:30
    page = _page(client, url)
    assert "Check-in opens" not in page  # was "Check-in opens 3 March, 10:30." (in the past)
    assert "more than 15 minutes late" in page and "Check in now" in page
    response = client.post(url, {"action": "check_in"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.ticket.lane == "normal"


def test_a_day_later_the_page_says_the_day_passed_not_when_check_in_opens(client, clock, booking):
    appointment = book(slot_at(booking, 11))
    clock.move_to(datetime(2026, 3, 4, 9, 0, tzinfo=HK))
    page = _page(client, reverse("queues:appointment", args=[appointment.token]))
    assert "Check-in opens" not in page and "Check in now" not in page
    assert "The day of this appointment has passed" in page
    assert f"?service={booking.id}" in page


# --- the offer link in each state ----------------------------------------------------------------
def test_an_offer_past_its_time_says_it_ran_out_before_the_job_moves_it_on(client, offered):
    url = reverse("queues:offer", args=[offered.token])
    offered.offer_expires_at = offered.offered_at  # ran out; the periodic job has not run yet
    offered.save(update_fields=["offer_expires_at"])
    page = _page(client, url)
    assert "Place offered" not in page  # the bare status, with nothing to do
    assert "This offer has run out" in page and "The place was held for you until" in page
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 409
    assert "this offer has run out, so the place is no longer held for you" in (
        response.content.decode()
    )
    assert not Appointment.objects.filter(email="aisha@example.org").exists()


def test_an_expired_offer_says_what_happened(client, offered):
    offered.offer_expires_at = offered.offered_at
    offered.save(update_fields=["offer_expires_at"])
    appts.waitlist_expire_due()
    page = _page(client, reverse("queues:offer", args=[offered.token]))
    assert "This offer has run out" in page and "Offer expired" not in page


def test_declining_after_accepting_says_it_was_accepted(client, offered):
    url = reverse("queues:offer", args=[offered.token])
    appointment = appts.waitlist_accept(entry=offered)
    response = client.post(url, {"action": "decline"})
    page = response.content.decode()
    assert "You have already accepted this place. To give it up, cancel your appointment." in page
    assert "There is no open offer on this link." not in page
    assert "You accepted this place" in page
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_declined_offer_page_says_so(client, offered):
    url = reverse("queues:offer", args=[offered.token])
    client.post(url, {"action": "decline"})
    page = _page(client, url)
    assert "You declined this place" in page and '<h1 class="govuk-heading-l">Declined' not in page


# --- the waitlist page ---------------------------------------------------------------------------
def test_waitlist_page_lets_you_leave_and_you_are_not_offered_a_place(client, clock, booking):
    slot = slot_at(booking, 14)
    first = book(slot)
    entry = appts.waitlist_join(
        slot=slot, name="Aisha", email="aisha@example.org", phone="+852 9123 4567"
    )
    url = reverse("queues:offer", args=[entry.token])
    page = _page(client, url)
    assert "we will email you and text you a link" in page
    assert "Leave the waitlist" in page
    client.post(url, {"action": "decline"})
    assert "You left the waitlist" in _page(client, url)
    appts.appointment_cancel(appointment=first)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.DECLINED
    sent = OutboxMessage.objects.filter(to="aisha@example.org")
    assert [m.dedupe_key for m in sent] == [f"queues:waitlist:{entry.pk}:joined:email"]  # q1


# --- booking and cancelling ----------------------------------------------------------------------
def test_booking_the_same_time_twice_is_one_place(client, clock, booking):
    booking.slot_capacity = 2
    booking.save()
    slot = slot_at(booking, 14)
    url = reverse("queues:slot_book", args=[slot.id])
    form = {"name": "Wei", "email": "wei@example.org", "action": "book"}
    assert client.post(url, form).status_code == 302
    again = client.post(url, {**form, "email": "WEI@example.org"})  # Book pressed again
    assert again.status_code == 200
    assert "You already have an appointment at this time" in again.content.decode()
    assert Appointment.objects.filter(slot=slot).count() == 1
    assert OutboxMessage.objects.filter(to__iexact="wei@example.org").count() == 1
    other = client.post(url, {**form, "email": "mei@example.org"})
    assert other.status_code == 302  # the second place is still there for someone else


def test_cancellation_email_says_what_was_cancelled_and_where_to_book(clock, booking):
    appointment = book(slot_at(booking, 14))
    appts.appointment_cancel(appointment=appointment)
    message = OutboxMessage.objects.get(subject__startswith="Appointment cancelled")
    assert message.body.startswith("Dear Wei,")
    assert "Passport renewal at Harbour Central on Tuesday 3 March 2026, 14:00" in message.body
    assert appointment.reference in message.body
    assert f"/queues/HSG/HCC/appointments/?service={booking.id}" in message.body


def test_offer_gone_email_links_to_the_services_times(offered):
    offered.offer_expires_at = offered.offered_at
    offered.save(update_fields=["offer_expires_at"])
    appts.waitlist_expire_due()
    message = OutboxMessage.objects.get(subject__startswith="The place offered to you has gone")
    assert f"/appointments/?service={offered.slot.service_id}" in message.body


# --- the late rule at the kiosk ------------------------------------------------------------------
LATE_NOTE = "more than 15 minutes after your appointment time, so you queue as a walk-in"


def test_kiosk_check_in_after_the_grace_says_you_queue_as_a_walk_in(client, clock, booking):
    late, on_time = book(slot_at(booking, 11)), book(slot_at(booking, 11, 30), email="mei@x.org")
    clock.move_to(datetime(2026, 3, 3, 11, 20, tzinfo=HK))
    response = client.post("/queues/HSG/HCC/kiosk/check-in/", {"reference": late.reference},
                           follow=True)  # fmt: skip
    assert "/queues/kiosk/ticket/" in response.redirect_chain[-1][0]
    assert LATE_NOTE in response.content.decode()
    response = client.post("/queues/HSG/HCC/kiosk/check-in/", {"reference": on_time.reference},
                           follow=True)  # fmt: skip
    assert LATE_NOTE not in response.content.decode()
    on_time.refresh_from_db()
    assert on_time.ticket.lane == "appointment"
    again = client.post("/queues/HSG/HCC/kiosk/check-in/", {"reference": late.reference})
    assert "You are already checked in: ticket" in again.content.decode()  # a clear error


def test_confirmation_email_states_the_late_rule(clock, booking):
    book(slot_at(booking, 14))
    message = OutboxMessage.objects.get(subject__startswith="Appointment booked")
    assert "Up to 15 minutes late you are still called ahead of walk-ins" in message.body


def test_cancelling_after_the_time_started_promises_no_offer(client, clock, booking):
    appointment = book(slot_at(booking, 11))
    clock.move_to(datetime(2026, 3, 3, 11, 10, tzinfo=HK))
    page = _page(client, reverse("queues:appointment_cancel", args=[appointment.token]))
    assert "offered to someone on the waitlist" not in page
    assert "You cannot undo this." in page
