"""A paused clock moves day-based due times by whole working days (the agency's real calendar:
Hong Kong, Monday to Friday 09:00-17:00, Hong Kong public holidays)."""

from datetime import datetime, timedelta

import pytest
import time_machine

from civicdesk.cases.clock import clock_pause, clock_resume, clock_start
from civicdesk.cases.models import Case
from civicdesk.cases.services import case_citizen_add, case_create, case_reply
from civicdesk.cases.tests.conftest import HK
from civicdesk.cases.tests.factories import ServiceStandardFactory

pytestmark = pytest.mark.django_db

# Monday 30 November 2026, 10:00: 10 working days later is Monday 14 December.
RECEIVED = datetime(2026, 11, 30, 10, 0, tzinfo=HK)
REPLY_DUE = datetime(2026, 12, 14, 17, 0, tzinfo=HK)
INTERIM_DUE = datetime(2026, 12, 7, 17, 0, tzinfo=HK)


@pytest.fixture
def case(leak):
    with time_machine.travel(RECEIVED, tick=False):
        created = case_create(
            agency=leak.agency,
            kind="complaint",
            channel="web",
            description="The lift in Block C is broken again.",
            category=leak,
            language="en",
            contact_email="chan@example.org",
        )
    assert (created.reply_due_at, created.interim_due_at) == (REPLY_DUE, INTERIM_DUE)
    return created


def _pause(case: Case, start: datetime, end: datetime) -> timedelta:
    clock_pause(case=case, at=start)
    return clock_resume(case=case, at=end)


def test_a_38_second_pause_leaves_due_times_at_their_day_close(case, officer):
    """The journey: "wait for the citizen", and the citizen answered 38 seconds later."""
    paused = datetime(2026, 12, 7, 10, 13, tzinfo=HK)
    with time_machine.travel(paused, tick=False):
        case_reply(
            case=case, actor=officer.user, body="Which flat?", then_status="awaiting_citizen"
        )
    with time_machine.travel(paused + timedelta(seconds=38), tick=False):
        case_citizen_add(case=case, body="Flat 12A.")
    case.refresh_from_db()
    assert case.paused_at is None and case.paused_seconds == 38
    assert case.reply_due_at == REPLY_DUE
    assert case.interim_due_at == INTERIM_DUE


def test_under_half_a_working_day_moves_nothing(case):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=HK)
    assert _pause(case, start, start + timedelta(hours=3, minutes=59)) == timedelta(
        hours=3, minutes=59
    )
    assert case.reply_due_at == REPLY_DUE and case.interim_due_at == INTERIM_DUE
    assert case.paused_seconds == (3 * 60 + 59) * 60


def test_half_a_working_day_moves_one_working_day_to_the_close(case):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=HK)
    _pause(case, start, start + timedelta(hours=4))
    assert case.reply_due_at == datetime(2026, 12, 15, 17, 0, tzinfo=HK)
    assert case.interim_due_at == datetime(2026, 12, 8, 17, 0, tzinfo=HK)


def test_one_and_a_half_working_days_over_a_weekend_move_two(case):
    # Friday 13:00 to Tuesday 09:00: 4 + 8 working hours (Saturday and Sunday are closed).
    _pause(case, datetime(2026, 12, 4, 13, 0, tzinfo=HK), datetime(2026, 12, 8, 9, 0, tzinfo=HK))
    assert case.paused_seconds == 12 * 3600
    assert case.reply_due_at == datetime(2026, 12, 16, 17, 0, tzinfo=HK)
    assert case.interim_due_at == datetime(2026, 12, 9, 17, 0, tzinfo=HK)


def test_a_pause_outside_office_hours_moves_nothing(case):
    _pause(case, datetime(2026, 12, 4, 17, 30, tzinfo=HK), datetime(2026, 12, 7, 8, 30, tzinfo=HK))
    assert case.paused_seconds == 0
    assert case.reply_due_at == REPLY_DUE


def test_short_pauses_add_up(case):
    first = datetime(2026, 12, 1, 9, 0, tzinfo=HK)
    _pause(case, first, first + timedelta(hours=3))
    assert case.reply_due_at == REPLY_DUE  # 3 of 8 hours: not yet half a day
    second = datetime(2026, 12, 2, 9, 0, tzinfo=HK)
    _pause(case, second, second + timedelta(hours=3))
    assert case.reply_due_at == datetime(2026, 12, 15, 17, 0, tzinfo=HK)  # 6 hours: one day
    third = datetime(2026, 12, 3, 9, 0, tzinfo=HK)
    _pause(case, third, third + timedelta(hours=3))
    assert case.reply_due_at == datetime(2026, 12, 15, 17, 0, tzinfo=HK)  # 9 hours: still one


def test_moved_days_skip_public_holidays(leak):
    """Due Thursday 31 December; Friday 1 January is a Hong Kong public holiday."""
    standard = ServiceStandardFactory(agency=leak.agency, reply_within_days=1)
    leak.standard = standard
    leak.save()
    case = Case(agency=leak.agency, category=leak, kind="complaint")
    clock_start(case=case, at=datetime(2026, 12, 30, 10, 0, tzinfo=HK))
    assert case.reply_due_at == datetime(2026, 12, 31, 17, 0, tzinfo=HK)
    _pause(case, datetime(2026, 12, 31, 9, 0, tzinfo=HK), datetime(2026, 12, 31, 17, 0, tzinfo=HK))
    assert case.reply_due_at == datetime(2027, 1, 4, 17, 0, tzinfo=HK)


def test_a_due_time_before_the_close_keeps_its_distance_from_it(case):
    # A due time left mid-morning by the old exact arithmetic stays mid-morning, a day later.
    case.reply_due_at = datetime(2026, 12, 15, 9, 0, 38, tzinfo=HK)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=HK)
    _pause(case, start, start + timedelta(hours=8))
    assert case.reply_due_at == datetime(2026, 12, 16, 9, 0, 38, tzinfo=HK)


@pytest.mark.parametrize("pauses", [[(9, 12)], [(9, 13)], [(9, 17), (9, 11), (13, 17)]])
def test_pledges_recompute_the_due_time_as_the_pauses_moved_it(case, pauses):
    """`due_after_pauses` (pledges recompute the due time from the standard) gives the due time
    the case's own pauses, one at a time, moved it to."""
    from civicdesk.cases.clock import due_after_pauses
    from civicdesk.organisations.calendar import agency_calendar

    for day, (start, end) in enumerate(pauses, start=1):
        _pause(case, datetime(2026, 12, day, start, 0, tzinfo=HK),
               datetime(2026, 12, day, end, 0, tzinfo=HK))  # fmt: skip
    calendar = agency_calendar(case.agency)
    paused = timedelta(seconds=case.paused_seconds)
    assert due_after_pauses(calendar, REPLY_DUE, paused) == case.reply_due_at


def test_a_due_day_closed_later_moves_to_the_next_working_days_not_one_further(case):
    """Typhoon: the agency closes on the reply's due day (Monday 14 December) after the due
    was set. Half a day of pause then moves the reply to Tuesday 15th, the first working day
    after the 14th (it used to count from Tuesday as day 0 and land on Wednesday)."""
    from datetime import date

    from civicdesk.organisations.models import Closure

    Closure.objects.create(agency=case.agency, date=date(2026, 12, 14))
    start = datetime(2026, 12, 1, 9, 0, tzinfo=HK)
    _pause(case, start, start + timedelta(hours=4))
    assert case.reply_due_at == datetime(2026, 12, 15, 17, 0, tzinfo=HK)
    assert case.interim_due_at == datetime(2026, 12, 8, 17, 0, tzinfo=HK)
