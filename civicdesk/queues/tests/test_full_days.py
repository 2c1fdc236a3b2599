"""Journey 5: "a citizen finds Tuesday full". The day list of the find-a-time page did not mark
full days, so finding one meant opening each day in turn. A day with no place left at any time
to come now reads "(full: waitlist only)"."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from civicdesk.core.clock import now
from civicdesk.queues import appointments as appts
from civicdesk.queues.models import AppointmentSlot
from civicdesk.queues.tests.test_appointments import TUESDAY, book

pytestmark = pytest.mark.django_db

FULL = "(full: waitlist only)"


@pytest.fixture
def booking(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 60, 1
    service.save()
    return service


def _fill(service, day, *, leave: int = 0) -> None:
    slots = [s for s in appts.slots_ensure(service=service, day=day) if s.starts_at > now()]
    for n, slot in enumerate(slots[leave:]):
        book(slot, name=f"Visitor {n}", email=f"v{n}@example.org")


def _options(client, service) -> dict[str, str]:
    site = service.site
    with translation.override("en"):
        page = client.get(
            f"/queues/{site.agency.code}/{site.code}/appointments/?service={service.id}"
        ).content.decode()
    select = page[page.index('id="day"') : page.index("</select>", page.index('id="day"'))]
    options = select.split("<option")[1:]
    return {o.split('value="')[1].split('"')[0]: o.split(">", 1)[1] for o in options}


def test_a_full_day_is_marked_and_the_others_are_not(client, clock, booking):
    wednesday, thursday = TUESDAY + timedelta(days=1), TUESDAY + timedelta(days=2)
    _fill(booking, wednesday)
    _fill(booking, thursday, leave=1)  # one time still free
    options = _options(client, booking)
    assert FULL in options[wednesday.isoformat()]
    assert FULL not in options[thursday.isoformat()]
    assert FULL not in options[(TUESDAY + timedelta(days=6)).isoformat()]  # never shown


def test_today_counts_only_the_times_to_come(clock, booking):
    # 10:00 on Tuesday: the 09:00 and 10:00 times have started and are never booked.
    to_come = [s for s in appts.slots_ensure(service=booking, day=TUESDAY) if s.starts_at > now()]
    assert len(to_come) >= 2
    for n, slot in enumerate(to_come[:-1]):
        book(slot, name=f"Visitor {n}", email=f"v{n}@example.org")
    assert appts.full_days(booking, [TUESDAY]) == set()
    book(to_come[-1])
    assert appts.full_days(booking, [TUESDAY]) == {TUESDAY}


def test_a_fixed_number_of_queries_for_the_whole_list(booking, clock):
    days = appts.booking_days(booking)
    for day in days[:4]:
        _fill(booking, day)
    assert AppointmentSlot.objects.count() > 10
    with CaptureQueriesContext(connection) as queries:
        full = appts.full_days(booking, days)
    assert set(days[:4]) == full
    assert len(queries) <= 4  # the calendar, the slots, their bookings and held offers
