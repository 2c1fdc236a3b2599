"""In the evening, today's times have all passed: the find-a-time page says there are no times
that day instead of showing an empty table with only its headings (journey 5, in Chinese)."""

from datetime import datetime

import pytest
import time_machine

from civicdesk.queues.tests.conftest import HK

pytestmark = pytest.mark.django_db

EVENING = datetime(2026, 3, 3, 21, 30, tzinfo=HK)  # a Tuesday, the office closed at 18:00


@pytest.fixture
def booking(service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    return service


def test_a_day_whose_times_have_all_passed_says_so(client, booking):
    with time_machine.travel(EVENING, tick=False):
        page = client.get(f"/queues/HSG/HCC/appointments/?service={booking.id}&day=2026-03-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert "No times on this day." in html
    assert 'data-testid="slots"' not in html


def test_the_next_day_still_shows_its_times(client, booking):
    with time_machine.travel(EVENING, tick=False):
        page = client.get(f"/queues/HSG/HCC/appointments/?service={booking.id}&day=2026-03-04")
    html = page.content.decode()
    assert 'data-testid="slots"' in html and "No times on this day." not in html
