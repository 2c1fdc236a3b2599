"""Cancelling an appointment asks "are you sure?" first, on a page that works without JavaScript."""

import pytest

from civicdesk.queues.models import AppointmentStatus, WaitlistStatus
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 14)
    appointment = book(slot)
    from civicdesk.queues import appointments as appts

    entry = appts.waitlist_join(slot=slot, name="Ana", email="ana@example.org")
    return appointment, entry


def test_the_appointment_page_only_links_to_the_confirmation(client, clock, booked):
    appointment, entry = booked
    page = client.get(f"/queues/appointment/{appointment.token}/").content.decode()
    cancel_url = f"/queues/appointment/{appointment.token}/cancel/"
    assert f'href="{cancel_url}"' in page
    assert 'value="cancel"' not in page
    # A page saved from before still cannot cancel in one step: it leads to the question.
    response = client.post(f"/queues/appointment/{appointment.token}/", {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == cancel_url
    appointment.refresh_from_db()
    entry.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert entry.status == WaitlistStatus.WAITING


def test_no_keep_it_changes_nothing(client, clock, booked):
    appointment, entry = booked
    page = client.get(f"/queues/appointment/{appointment.token}/cancel/").content.decode()
    assert (
        "Are you sure you want to cancel your appointment on Tuesday 3 March 2026 at 14:00?" in page
    )
    assert "Yes, cancel" in page
    keep = f'<a class="govuk-link" href="/queues/appointment/{appointment.token}/">No, keep it</a>'
    assert keep in page
    assert client.get(f"/queues/appointment/{appointment.token}/").status_code == 200
    appointment.refresh_from_db()
    entry.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert entry.status == WaitlistStatus.WAITING


def test_yes_cancel_cancels_and_offers_the_place(client, clock, booked):
    appointment, entry = booked
    response = client.post(f"/queues/appointment/{appointment.token}/cancel/")
    assert response["Location"] == f"/queues/appointment/{appointment.token}/"
    appointment.refresh_from_db()
    entry.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert entry.status == WaitlistStatus.OFFERED
    page = client.get(response["Location"]).content.decode()
    assert "Your appointment is cancelled" in page and "Cancel appointment" not in page
    # Its calendar file now cancels the event: the link says so.
    assert "Remove it from your calendar (.ics)" in page and "Add to your calendar" not in page
    # Nothing more to confirm: the question page leads back to the appointment.
    again = client.get(f"/queues/appointment/{appointment.token}/cancel/")
    assert again["Location"] == f"/queues/appointment/{appointment.token}/"
    assert client.post(f"/queues/appointment/{appointment.token}/cancel/").status_code == 200
