"""Every metric against an answer worked out by hand on small data."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.organisations.calendar import agency_calendar
from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.metrics import p90_from_histogram
from civicdesk.pledges.models import PeriodResult
from civicdesk.pledges.tests.factories import (
    make_answer,
    make_appointment,
    make_case,
    make_pledge,
    make_ticket,
)
from civicdesk.queues.tests.factories import ServiceFactory

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=HK)


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=HK)


def result(pledge, site=None, start=date(2026, 10, 1)) -> PeriodResult:
    return PeriodResult.objects.get(pledge=pledge, period_start=start, site=site)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def queue(agency, frozen):
    """Site 1: waits of 1..10 minutes, a no-show after 30, a ticket cancelled before its call.
    Site 2: waits of 5 and 25 minutes. All on Monday 5 October 2026."""
    s1 = ServiceFactory(site=SiteFactory(agency=agency, code="S1"), prefix="A")
    s2 = ServiceFactory(site=SiteFactory(agency=agency, code="S2"), prefix="A")
    for wait in range(1, 11):
        make_ticket(service=s1, joined=at(5, 10), wait_minutes=wait)
    make_ticket(service=s1, joined=at(5, 11), wait_minutes=30, status="no_show")
    make_ticket(service=s1, joined=at(5, 11), wait_minutes=None)
    make_ticket(service=s2, joined=at(5, 10), wait_minutes=5)
    make_ticket(service=s2, joined=at(5, 10), wait_minutes=25)
    return s1, s2


def test_share_of_tickets_within_minutes(agency, queue):
    s1, s2 = queue
    pledge = make_pledge(
        agency=agency, metric="tickets_within", target=90, threshold=20, exclusions=["no_show"]
    )
    recompute_pledge(pledge)
    overall = result(pledge)
    # 12 called (no-show excluded, cancelled never called); 11 within 20 minutes.
    assert (overall.count, overall.hits, overall.value, overall.met) == (12, 11, 91.7, True)
    assert result(pledge, s1.site).value == 100.0
    assert (result(pledge, s2.site).count, result(pledge, s2.site).value) == (2, 50.0)


def test_no_show_counts_unless_excluded(agency, queue):
    pledge = make_pledge(agency=agency, metric="tickets_within", target=95, threshold=20)
    recompute_pledge(pledge)
    # 13 called, 11 within 20: 84.6%, under the 95% target.
    assert (result(pledge).count, result(pledge).value, result(pledge).met) == (13, 84.6, False)


def test_average_wait(agency, queue):
    pledge = make_pledge(agency=agency, metric="wait_mean", target=10)
    recompute_pledge(pledge)
    # (1+...+10) + 30 + 5 + 25 = 115 minutes over 13 tickets = 8.85
    assert (result(pledge).count, result(pledge).value, result(pledge).met) == (13, 8.8, True)


def test_p90_wait(agency, queue):
    pledge = make_pledge(agency=agency, metric="wait_p90", target=9, exclusions=["no_show"])
    recompute_pledge(pledge)
    # 1,2,3,4,5,5,6,7,8,9,10,25: rank ceil(0.9 * 12) = 11 -> 10 minutes, over the target of 9.
    assert (result(pledge).count, result(pledge).value, result(pledge).met) == (12, 10.0, False)


def test_p90_nearest_rank():
    assert p90_from_histogram({str(m): 1 for m in range(1, 11)}) == 9
    assert p90_from_histogram({"0": 9, "60": 1}) == 0
    assert p90_from_histogram({"0": 8, "60": 2}) == 60
    assert p90_from_histogram({}) is None


def test_appointments_started_on_time(agency, frozen):
    service = ServiceFactory(site=SiteFactory(agency=agency), prefix="B")
    for late in (3, 10, 20):
        make_appointment(service=service, slot_start=at(15, 11, month=9), started_minutes_late=late)
    pledge = make_pledge(agency=agency, metric="appointments_on_time", target=80, threshold=10)
    recompute_pledge(pledge)
    september = result(pledge, start=date(2026, 9, 1))
    # Started 3, 10 and 20 minutes after the slot; within 10: two of three.
    assert (september.count, september.hits, september.value, september.met) == (3, 2, 66.7, False)


@pytest.fixture
def cases(agency, frozen):
    """Six cases received Tuesday 6 October 2026."""
    ack_due, reply_due = at(6, 17), at(15, 17)
    c = {}
    c[1] = make_case(agency=agency, received=at(6, 9), acknowledge_due_at=ack_due,
                     acknowledged_at=at(6, 12), reply_due_at=at(20, 17), replied_at=at(10, 9),
                     resolved_at=at(6, 15))  # fmt: skip
    c[2] = make_case(agency=agency, received=at(6, 9), acknowledge_due_at=ack_due,
                     acknowledged_at=at(7, 9), reply_due_at=at(20, 17))  # fmt: skip
    c[3] = make_case(agency=agency, received=at(6, 9), acknowledge_due_at=ack_due,
                     reply_due_at=reply_due, replied_at=at(16, 9))  # fmt: skip
    c[4] = make_case(agency=agency, received=at(6, 9), kind="compliment",
                     acknowledge_due_at=ack_due, acknowledged_at=at(6, 10),
                     reply_due_at=reply_due)  # fmt: skip
    c[5] = make_case(agency=agency, received=at(6, 9), reply_due_at=reply_due,
                     resolved_at=at(14, 9))  # fmt: skip
    c[6] = make_case(agency=agency, received=at(6, 9), resolved_at=at(6, 16), transfer_count=1)
    return c


def test_acknowledged_within_standard(agency, cases):
    pledge = make_pledge(agency=agency, metric="cases_ack_within", target=90)
    recompute_pledge(pledge)
    # With an acknowledgement clock: 1 on time, 2 late, 3 never (due passed), 4 on time.
    assert (result(pledge).count, result(pledge).hits, result(pledge).value) == (4, 2, 50.0)


def test_replied_within_standard(agency, cases):
    pledge = make_pledge(
        agency=agency, metric="cases_reply_within", target=95, exclusions=["compliments"]
    )
    recompute_pledge(pledge)
    # 1 on time; 2 not yet due (pending, not counted); 3 late; 4 a compliment (excluded);
    # 5 resolved before its due time without a separate reply; 6 has no clock.
    assert (result(pledge).count, result(pledge).hits, result(pledge).value) == (3, 2, 66.7)
    assert result(pledge).met is False


def test_replied_within_working_days(agency, frozen):
    received = at(28, 10, month=9)
    due = agency_calendar(agency).add_working_days(received, 10)
    make_case(agency=agency, received=received, replied_at=due - timedelta(minutes=1))
    make_case(agency=agency, received=received, replied_at=due + timedelta(minutes=1))
    make_case(agency=agency, received=received)  # unanswered; due before "now" -> missed
    assert due < NOW
    pledge = make_pledge(
        agency=agency, metric="cases_reply_within", target=95, threshold=10, clock_start="receipt"
    )
    recompute_pledge(pledge)
    september = result(pledge, start=date(2026, 9, 1))
    assert (september.count, september.hits) == (3, 1)


def test_resolved_at_first_contact(agency, cases):
    pledge = make_pledge(agency=agency, metric="cases_first_contact", target=20)
    recompute_pledge(pledge)
    # Of six cases only case 1 was resolved the same day without a transfer (6 was transferred).
    assert (result(pledge).count, result(pledge).hits, result(pledge).value) == (6, 1, 16.7)
    assert result(pledge).met is False


@pytest.fixture
def answers(agency, frozen):
    for csat in (5, 4, 3, 2, 5):
        make_answer(agency=agency, answered=at(8, 10), csat=csat)
    for nps in (10, 9, 8, 7, 6, 0, 10):
        make_answer(agency=agency, answered=at(8, 11), nps=nps)
    for ces in (7, 5, 4):
        make_answer(agency=agency, answered=at(8, 12), ces=ces)


def test_csat(agency, answers):
    pledge = make_pledge(agency=agency, metric="csat", target=85)
    recompute_pledge(pledge)
    # 3 of 5 answered 4 or 5.
    assert (result(pledge).count, result(pledge).value, result(pledge).met) == (5, 60.0, False)


def test_nps(agency, answers):
    pledge = make_pledge(agency=agency, metric="nps", target=10)
    recompute_pledge(pledge)
    # 3 promoters (9-10), 2 detractors (0-6) of 7: 100 * 1 / 7 = 14.3
    assert (result(pledge).count, result(pledge).value, result(pledge).met) == (7, 14.3, True)


def test_ces(agency, answers):
    pledge = make_pledge(agency=agency, metric="ces", target=60)
    recompute_pledge(pledge)
    # 2 of 3 answered 5 or more out of 7.
    assert (result(pledge).count, result(pledge).value, result(pledge).met) == (3, 66.7, True)


def test_quarter_and_year_sum_their_days(agency, queue):
    quarter = make_pledge(
        agency=agency, metric="tickets_within", target=90, threshold=20, period="quarter"
    )
    year = make_pledge(agency=agency, metric="wait_p90", target=9, period="year")
    recompute_pledge(quarter)
    recompute_pledge(year)
    assert result(quarter).label == "2026-Q4"
    assert result(quarter).count == 13
    q = PeriodResult.objects.get(pledge=year, site=None, period_start=date(2026, 1, 1))
    assert (q.label, q.period_end, q.count, q.value) == ("2026", date(2026, 12, 31), 13, 25.0)
    assert q.is_complete is False


def test_empty_period_shows_no_value(agency, frozen):
    pledge = make_pledge(agency=agency, metric="csat", target=85)
    recompute_pledge(pledge)
    empty = result(pledge)
    assert (empty.count, empty.value, empty.met) == (0, None, None)
