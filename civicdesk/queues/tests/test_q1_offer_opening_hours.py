"""A waitlist offer's time counts only the site's opening hours (its working-time calendar), and
never runs past the start of the slot offered.

Before, an offer made at 16:30 ran out at 18:30, after closing, while the person was on the way
home; one made in the evening ran out in the night."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.models import Closure
from civicdesk.queues import appointments as appts
from civicdesk.queues.models import WaitlistStatus
from civicdesk.queues.tests.conftest import HK, OPEN_MORNING
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db
WEDNESDAY = date(2026, 3, 4)  # the test sites open 09:00-17:00, Monday to Friday


@pytest.fixture
def booking(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    return service


def _offer_at(clock, slot, at):
    """A full slot with Ana waiting; at `at` the booking is cancelled and Ana is offered it."""
    first = book(slot)
    entry = appts.waitlist_join(slot=slot, name="Ana", email="ana@example.org")
    clock.move_to(at)
    appts.appointment_cancel(appointment=first)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    return entry


def _offer_email(entry):
    return OutboxMessage.objects.get(dedupe_key=f"queues:waitlist:{entry.pk}:offer:email")


def test_an_offer_near_closing_time_runs_on_the_next_morning(client, clock, booking):
    slot = slot_at(booking, 14, day=WEDNESDAY)
    entry = _offer_at(clock, slot, OPEN_MORNING.replace(hour=16, minute=30))
    # 30 minutes on Tuesday, 90 more from Wednesday's opening at 09:00.
    assert entry.offer_expires_at == datetime(2026, 3, 4, 10, 30, tzinfo=HK)
    assert "held for you until Wednesday 4 March, 10:30." in _offer_email(entry).body
    page = client.get(f"/queues/offer/{entry.token}/").content.decode()
    assert "It is held for you until Wednesday 4 March, 10:30." in page
    # Overnight it is still open: the periodic job leaves it alone.
    clock.move_to(OPEN_MORNING.replace(hour=23))
    assert appts.waitlist_expire_due() == 0
    clock.move_to(datetime(2026, 3, 4, 10, 31, tzinfo=HK))
    assert appts.waitlist_expire_due() == 1


def test_an_offer_made_at_night_starts_counting_at_the_opening(clock, booking):
    slot = slot_at(booking, 14, day=WEDNESDAY)
    entry = _offer_at(clock, slot, OPEN_MORNING.replace(hour=22))
    assert entry.offer_expires_at == datetime(2026, 3, 4, 9 + appts.OFFER_HOURS, tzinfo=HK)


def test_closed_days_do_not_count_weekends_and_closures(clock, booking):
    friday_late = datetime(2026, 3, 6, 16, 0, tzinfo=HK)
    Closure.objects.create(agency=booking.site.agency, site=booking.site,
                           date=date(2026, 3, 9), reason="Typhoon")  # fmt: skip
    slot = slot_at(booking, 14, day=date(2026, 3, 10))
    entry = _offer_at(clock, slot, friday_late)
    # One hour on Friday; the weekend and the closed Monday do not count; one hour on Tuesday.
    assert entry.offer_expires_at == datetime(2026, 3, 10, 10, 0, tzinfo=HK)


def test_never_past_the_start_of_the_slot(clock, booking):
    early_slot = slot_at(booking, 9, minute=30, day=WEDNESDAY)
    entry = _offer_at(clock, early_slot, OPEN_MORNING.replace(hour=16, minute=30))
    assert entry.offer_expires_at == early_slot.starts_at  # not 10:30 on Wednesday
    assert "held for you until Wednesday 4 March, 09:30." in _offer_email(entry).body


def test_an_offer_in_opening_hours_is_held_as_before(booking):
    with time_machine.travel(OPEN_MORNING, tick=False) as clock:
        soon = slot_at(booking, 11)
        entry = _offer_at(clock, soon, OPEN_MORNING)
        assert entry.offer_expires_at == soon.starts_at  # 11:00 comes before 12:00
        later = slot_at(booking, 15)
        other = appts.appointment_book(slot=later, name="Wei", email="wei@example.org")
        bo = appts.waitlist_join(slot=later, name="Bo", email="bo@example.org")
        appts.appointment_cancel(appointment=other)
        bo.refresh_from_db()
        assert bo.offer_expires_at == OPEN_MORNING + timedelta(hours=appts.OFFER_HOURS)


def test_a_site_with_no_opening_hours_left_holds_an_offer_two_plain_hours(booking):
    """Hours cleared while booked slots remain: the offer must not hold the place for months."""
    with time_machine.travel(OPEN_MORNING, tick=False):
        far_slot = slot_at(booking, 14, day=OPEN_MORNING.date() + timedelta(days=90))
        site = booking.site
        site.opening_hours = {}
        site.save()
        expiry = appts.offer_expiry(far_slot, at=OPEN_MORNING)
        assert expiry == OPEN_MORNING + timedelta(hours=appts.OFFER_HOURS)
