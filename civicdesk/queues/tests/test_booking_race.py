"""Losing the last place to someone else says so and offers the waitlist; it never joins for you."""

import pytest

from civicdesk.queues.models import Appointment, WaitlistEntry
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    return slot_at(service, 14)


def test_second_booking_of_the_last_place_is_told_and_offered_the_waitlist(client, clock, slot):
    url = f"/queues/appointments/slot/{slot.id}/"
    # Both opened the form while one place was left: it offers Book, not the waitlist.
    form = client.get(url).content.decode()
    assert 'name="action" value="book"' in form
    first = client.post(url, {"name": "Wei", "email": "wei@example.org", "action": "book"})
    assert first.status_code == 302
    second = client.post(url, {"name": "Ana", "email": "ana@example.org", "action": "book"})
    assert second.status_code == 200
    page = second.content.decode()
    assert "has just been booked by someone else" in page
    assert "booking was not made" in page
    assert 'name="action" value="waitlist"' in page and "Join the waitlist</button>" in page
    assert 'value="ana@example.org"' in page  # what they typed is kept
    assert Appointment.objects.count() == 1 and not WaitlistEntry.objects.exists()

    joined = client.post(url, {"name": "Ana", "email": "ana@example.org", "action": "waitlist"})
    entry = WaitlistEntry.objects.get()
    assert entry.email == "ana@example.org"
    # Post, then a page of its own: reloading it shows the same, and joins nothing again.
    assert joined.status_code == 302 and joined["Location"] == f"/queues/offer/{entry.token}/"
    for _ in range(2):
        assert "You are on the waitlist" in client.get(joined["Location"]).content.decode()
    assert WaitlistEntry.objects.count() == 1


def test_a_post_without_a_choice_books_and_never_joins_the_waitlist(client, clock, slot):
    book(slot)
    response = client.post(
        f"/queues/appointments/slot/{slot.id}/", {"name": "Ana", "email": "ana@example.org"}
    )
    assert response.status_code == 200 and not WaitlistEntry.objects.exists()


def test_joining_the_waitlist_when_a_place_is_free_says_book_it(client, clock, slot):
    response = client.post(
        f"/queues/appointments/slot/{slot.id}/",
        {"name": "Ana", "email": "ana@example.org", "action": "waitlist"},
    )
    page = response.content.decode()
    assert "This time still has a place: book it." in page
    assert 'name="action" value="book"' in page
    assert not WaitlistEntry.objects.exists() and not Appointment.objects.exists()
