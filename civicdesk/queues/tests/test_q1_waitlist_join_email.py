"""Joining a waitlist is confirmed by email, once: the link in it is the way back to leave it.

Before, the waitlist page's own address was the only way back: closing the tab lost it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from civicdesk.core.errors import Conflict
from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import appointments as appts
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_slot(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 14)
    book(slot)  # the only place
    OutboxMessage.objects.all().delete()  # the booking's own confirmation
    return slot


def test_joining_sends_one_confirmation_with_the_link_to_leave(clock, full_slot):
    entry = appts.waitlist_join(slot=full_slot, name="Ana", email="ana@example.org")
    message = OutboxMessage.objects.get()
    assert (message.channel, message.to) == ("email", "ana@example.org")
    assert (message.related_type, message.related_id) == ("queues.waitlistentry", str(entry.pk))
    assert message.agency == full_slot.service.site.agency
    assert message.subject == "On the waitlist: Passport renewal, Tuesday 3 March 2026, 14:00"
    body = message.body
    assert body.startswith("Dear Ana,")
    assert "Passport renewal at Harbour Central on Tuesday 3 March 2026, 14:00" in body
    assert "we will email you a link to take it" in body
    assert f"held for you for {appts.OFFER_HOURS} hours while the office is open" in body
    assert "never past the start of the appointment" in body
    link = reverse("queues:offer", args=[entry.token])
    assert "To leave the waitlist, use this page: http" in body and body.endswith(link)
    assert message.attachments == []  # nothing is booked: no calendar entry yet

    # The same person again (any case): refused, and no second email.
    with pytest.raises(Conflict) as error:
        appts.waitlist_join(slot=full_slot, name="Ana", email="ANA@example.org")
    assert error.value.code == "already_waiting"
    assert "email" in error.value.message
    assert OutboxMessage.objects.count() == 1


def test_a_mobile_number_given_is_said_and_the_language_is_the_joiners(clock, full_slot):
    appts.waitlist_join(
        slot=full_slot, name="王小明", email="wang@example.cn", phone="+852 9123 4567",
        language="zh-hans",
    )  # fmt: skip
    message = OutboxMessage.objects.get()
    assert message.channel == "email"  # the confirmation is emailed only
    assert "2026年3月3日（星期二）14:00" in message.subject  # the day as Chinese reads it
    assert "2026年3月3日（星期二）14:00" in message.body
    # A sentence already in the catalogue: the rest follows once the new strings are translated.
    told = "If a place comes free we will email you and text you a link to take it."
    with translation.override("zh-hans"):
        assert gettext(told) != told and gettext(told) in message.body


def test_joining_from_the_page_sends_one_email_and_the_page_says_the_rule(client, clock, full_slot):
    url = f"/queues/appointments/slot/{full_slot.id}/"
    form = {"name": "Ana", "email": "ana@example.org", "action": "waitlist"}
    page = client.post(url, form, follow=True).content.decode()
    assert "You are on the waitlist" in page
    assert f"held for you for {appts.OFFER_HOURS} hours while the office is open" in page
    again = client.post(url, form, follow=True).content.decode()  # sent again (history, twice)
    assert "You are already on the waitlist for this time" in again
    assert OutboxMessage.objects.filter(to="ana@example.org").count() == 1


def test_the_link_in_the_email_leaves_the_waitlist(client, clock, full_slot):
    entry = appts.waitlist_join(slot=full_slot, name="Ana", email="ana@example.org")
    link = OutboxMessage.objects.get().body.rsplit(" ", 1)[-1]
    path = link[link.index("/queues/") :]
    client.post(path, {"action": "decline"})
    entry.refresh_from_db()
    assert entry.status == "declined"
    clock.shift(timedelta(minutes=1))
    assert "You left the waitlist" in client.get(path).content.decode()
