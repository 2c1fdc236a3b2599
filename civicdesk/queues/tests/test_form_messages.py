"""Form errors say what to do, in plain words; the waitlist hint fits the waitlist."""

import pytest

from civicdesk.queues.forms import JoinForm
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    return slot_at(service, 14)


def test_an_empty_booking_says_what_each_field_needs(client, clock, slot):
    page = client.post(f"/queues/appointments/slot/{slot.id}/", {"action": "book"})
    text = page.content.decode()
    assert "This field is required." not in text
    assert text.count("Enter your full name.") == 2  # in the summary and by the field
    assert text.count("Enter your email address.") == 2
    bad = client.post(
        f"/queues/appointments/slot/{slot.id}/", {"name": "Wei", "email": "wei@", "action": "book"}
    )
    assert "Enter an email address in the correct format, like name@example.com." in (
        bad.content.decode()
    )


def test_the_email_hint_fits_booking_and_the_waitlist(client, clock, slot):
    url = f"/queues/appointments/slot/{slot.id}/"
    assert "We send the confirmation and calendar invite here." in client.get(url).content.decode()
    book(slot)
    waitlist = client.get(url).content.decode()
    assert "We email you here if a place comes free." in waitlist
    assert "calendar invite here" not in waitlist


def test_a_tampered_join_form_says_choose_from_the_list(client, clock, service):
    form = JoinForm({"service": "25", "lane": "normal"}, services=[service])
    assert not form.is_valid()
    assert form.errors["service"] == ["Choose a service from the list."]
    form = JoinForm({"service": str(service.id), "lane": "vip"}, services=[service])
    assert form.errors["lane"] == ["Choose whether you need priority."]
    page = client.post("/queues/HSG/HCC/", {"service": "25", "lane": "normal"}).content.decode()
    assert "Choose a service from the list." in page
    assert "is not one of the available choices" not in page
