"""Appointments: slots from opening hours, capacity, waitlist offers, invites, check-in rules."""

from datetime import date, timedelta

import pytest
from icalendar import Calendar

from civicdesk.core.errors import Conflict, ValidationFailed
from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import appointments as appts
from civicdesk.queues import services
from civicdesk.queues.models import Appointment, AppointmentStatus, WaitlistStatus
from civicdesk.queues.tests.conftest import OPEN_MORNING

pytestmark = pytest.mark.django_db
TUESDAY = OPEN_MORNING.date()


@pytest.fixture
def booking(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    return service


def slot_at(service, hour, minute=0, day=TUESDAY):
    slots = appts.slots_ensure(service=service, day=day)
    return next(
        s
        for s in slots
        if s.starts_at
        == OPEN_MORNING.replace(
            year=day.year, month=day.month, day=day.day, hour=hour, minute=minute
        )
    )


def book(slot, name="Wei", email="wei@example.org", **kwargs):
    return appts.appointment_book(slot=slot, name=name, email=email, **kwargs)


def test_slots_follow_opening_hours_and_skip_holidays(clock, booking):
    slots = appts.slots_ensure(service=booking, day=TUESDAY)
    assert len(slots) == 16  # 09:00–17:00 in 30-minute slots
    assert appts.slots_ensure(service=booking, day=TUESDAY) == slots  # idempotent
    assert appts.slots_ensure(service=booking, day=date(2026, 3, 7)) == []  # Saturday
    assert appts.slots_ensure(service=booking, day=date(2026, 4, 6)) == []  # Easter Monday
    assert date(2026, 3, 7) not in appts.booking_days(booking)


def test_booking_sends_confirmation_with_calendar_invite(clock, booking):
    slot = slot_at(booking, 14)
    appointment = book(slot)
    message = OutboxMessage.objects.get()
    assert message.to == "wei@example.org" and appointment.reference in message.body
    (invite,) = message.attachments
    assert invite["mimetype"] == "text/calendar"
    event = Calendar.from_ical(invite["content"]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == slot.starts_at
    assert "Harbour Central" in str(event["location"])


def test_full_slot_waitlist_offer_accept(clock, booking):
    slot = slot_at(booking, 14)
    first = book(slot)
    with pytest.raises(Conflict) as error:
        book(slot, name="Ana", email="ana@example.org")
    assert error.value.code == "slot_full"
    ana = appts.waitlist_join(slot=slot, name="Ana", email="ana@example.org", phone="+6012345678")
    bo = appts.waitlist_join(slot=slot, name="Bo", email="bo@example.org")
    with pytest.raises(Conflict):
        appts.waitlist_join(slot=slot, name="Ana", email="ANA@example.org")
    appts.appointment_cancel(appointment=first)
    ana.refresh_from_db()
    assert ana.status == WaitlistStatus.OFFERED
    assert ana.offer_expires_at == OPEN_MORNING + timedelta(hours=appts.OFFER_HOURS)
    offers = OutboxMessage.objects.filter(related_type="queues.waitlistentry").exclude(
        dedupe_key__endswith=":joined:email"  # each join was confirmed by email (q1)
    )
    assert sorted(offers.values_list("channel", flat=True)) == ["email", "sms"]
    assert f"/queues/offer/{ana.token}/" in offers.first().body
    # The held place cannot be booked by someone else meanwhile.
    with pytest.raises(Conflict):
        book(slot, name="Cy", email="cy@example.org")
    appointment = appts.waitlist_accept(entry=ana)
    assert appointment.email == "ana@example.org" and appointment.status == "booked"
    bo.refresh_from_db()
    assert bo.status == WaitlistStatus.WAITING


def test_expired_offer_passes_to_the_next(clock, booking):
    slot = slot_at(booking, 15)
    first = book(slot)
    ana = appts.waitlist_join(slot=slot, name="Ana", email="ana@example.org")
    bo = appts.waitlist_join(slot=slot, name="Bo", email="bo@example.org")
    appts.appointment_cancel(appointment=first)
    clock.shift(timedelta(hours=appts.OFFER_HOURS, seconds=1))
    assert appts.waitlist_expire_due() == 1
    ana.refresh_from_db()
    bo.refresh_from_db()
    assert (ana.status, bo.status) == (WaitlistStatus.EXPIRED, WaitlistStatus.OFFERED)
    with pytest.raises(Conflict):
        appts.waitlist_accept(entry=ana)


def test_on_time_check_in_goes_ahead_of_walk_ins(clock, booking, counter, officer):
    slot = slot_at(booking, 11)
    appointment = book(slot)
    with pytest.raises(Conflict) as error:
        appts.appointment_check_in(appointment=appointment)  # 10:00; check-in opens 10:30
    assert error.value.code == "too_early"
    clock.shift(timedelta(minutes=50))  # 10:50
    early_walk_in = services.ticket_issue(service=booking, channel="kiosk")
    ticket = appts.appointment_check_in(appointment=appointment)
    assert ticket.lane == "appointment" and ticket.queued_at == slot.starts_at
    with pytest.raises(Conflict) as error:
        appts.appointment_check_in(appointment=appointment)
    assert error.value.code == "already_checked_in"
    clock.shift(timedelta(minutes=15))  # 11:05
    later_walk_in = services.ticket_issue(service=booking, channel="kiosk")
    called = [services.ticket_call_next(actor=officer, counter=counter)]
    for _ in range(2):
        services.ticket_start(actor=officer, ticket=called[-1])
        services.ticket_finish(actor=officer, ticket=called[-1])
        called.append(services.ticket_call_next(actor=officer, counter=counter))
    # Priority lane first (lanes.py), then walk-ins in arrival order.
    assert [t.pk for t in called] == [ticket.pk, early_walk_in.pk, later_walk_in.pk]


def test_late_check_in_queues_as_walk_in(clock, booking):
    slot = slot_at(booking, 10, 30)
    appointment = book(slot)
    clock.shift(timedelta(minutes=30 + booking.late_grace_minutes + 1))  # 10:46
    ticket = appts.appointment_check_in(appointment=appointment)
    assert ticket.lane == "normal" and ticket.queued_at == ticket.joined_at
    assert ticket.channel == "appointment"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CHECKED_IN


def test_bad_bookings_change_nothing(clock, booking):
    past = slot_at(booking, 9)
    with pytest.raises(Conflict):
        book(past)
    with pytest.raises(ValidationFailed):
        book(slot_at(booking, 11), email="not-an-email")
    assert Appointment.objects.count() == 0


def test_booking_pages(client, clock, booking):
    page = client.get(f"/queues/HSG/HCC/appointments/?service={booking.id}&day=2026-03-03")
    assert page.status_code == 200 and b"Book 14:00" in page.content
    slot = slot_at(booking, 14)
    response = client.post(
        f"/queues/appointments/slot/{slot.id}/", {"name": "Wei", "email": "wei@example.org"}
    )
    appointment = Appointment.objects.get()
    assert response["Location"] == f"/queues/appointment/{appointment.token}/"
    page = client.get(response["Location"])
    assert appointment.reference.encode() in page.content
    invite = client.get(f"/queues/appointment/{appointment.token}/invite.ics")
    assert invite["Content-Type"] == "text/calendar" and b"BEGIN:VEVENT" in invite.content
    full = client.get(f"/queues/appointments/slot/{slot.id}/")
    assert b"join its waitlist" in full.content
    client.post(
        f"/queues/appointments/slot/{slot.id}/",
        {"name": "Ana", "email": "a@example.org", "action": "waitlist"},
    )
    client.post(f"/queues/appointment/{appointment.token}/cancel/")  # "Yes, cancel"
    entry = slot.waitlist.get()
    assert entry.status == "offered"
    response = client.post(f"/queues/offer/{entry.token}/", {"action": "accept"})
    assert response.status_code == 302
    clock.move_to(OPEN_MORNING.replace(hour=13, minute=45))
    entry.refresh_from_db()
    response = client.post(
        "/queues/HSG/HCC/kiosk/check-in/", {"reference": entry.appointment.reference.lower()}
    )
    entry.refresh_from_db()
    assert response.status_code == 302, response.content
    assert entry.appointment.ticket.lane == "appointment"
