"""A day that cannot be booked is explained, with the nearest days that can."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    return service


def _find(client, service, day):
    page = client.get(f"/queues/HSG/HCC/appointments/?service={service.id}&day={day}")
    assert page.status_code == 200
    return page.content.decode()


def _nearest(page):
    start = page.index('data-testid="nearest-days"')
    return page[start : page.index("</ul>", start)]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-12-13", "The office is closed on Sunday 13 December."),
        ("2020-01-01", "That day has passed."),
        ("garbage", "Enter a real date."),
        ("2026-03-08", "The office is closed on Sunday 8 March."),
        ("2026-04-06", "The office is closed on Monday 6 April."),  # Easter Monday
        ("2026-06-30", "Appointments can be booked up to"),
    ],
)
def test_a_day_that_cannot_be_booked_is_explained(client, clock, booking, day, message):
    page = _find(client, booking, day)
    assert message in page
    assert "<title>Error:" in page
    assert 'data-testid="slots"' not in page  # no other day's times as if they were asked for
    assert "Book 14:00" not in page
    assert f"?service={booking.id}&amp;day=" in _nearest(page)


def test_the_nearest_days_are_around_the_asked_day(client, clock, booking):
    nearest = _nearest(_find(client, booking, "2026-03-08"))  # a Sunday
    days = re.findall(r'day=[\d-]+">([^<]+)</a>', nearest)
    assert days == ["Friday 6 March", "Monday 9 March", "Tuesday 10 March"]
    passed = _nearest(_find(client, booking, "2020-01-01"))
    assert "Tuesday 3 March" in passed  # from today on


def test_a_bookable_day_shows_its_times_without_a_message(client, clock, booking):
    page = _find(client, booking, "2026-03-04")
    assert "Book 14:00" in page and "There is a problem" not in page
    assert "Book 14:00" in _find(client, booking, "")
