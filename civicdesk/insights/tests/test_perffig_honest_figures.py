"""Figures on the performance page that could not be right (tester, demo city, 9 Nov-6 Dec 2026):
an officer with more "hours at a counter" than the site was open, officers with CSAT and no
visit, and two teams with the very same totals.

- The computation joined an officer's desk time per counter, so time at two counters at once
  (or two sites) counted twice. It is now joined per officer: one person, one stretch of time.
- The demo put one officer at two or three counters at once (fewer officers than counters, and
  an officer of two sites at both), named officers at random on survey answers (some had served
  nobody) and put every officer in both teams.
"""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.insights.performance import PerformanceQuery, performance_report
from civicdesk.insights.tests.test_performance_scenario import DAY, build
from civicdesk.organisations.demo import load_organisations
from civicdesk.organisations.models import Agency, Department, StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues import demo as queues_demo
from civicdesk.queues.models import Counter, Ticket, TicketPeriod
from civicdesk.queues.models import TicketStatus as S
from civicdesk.surveys import demo as surveys_demo
from civicdesk.surveys.models import Response

pytestmark = pytest.mark.django_db
HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 3, 25, 8, 0, tzinfo=HK)


def _report(agency, user, first: date, last: date):
    query = PerformanceQuery(agency=agency, date_from=first, date_to=last)
    return performance_report(user=user, query=query)


def test_time_at_two_counters_at_once_counts_once(agency):
    scenario = build(agency)
    # Alice is at counter 1 from 10:00 to 10:38; the same half hour at counter 2 as well.
    counter_2 = Counter.objects.get(site=scenario.site, name="2")
    ticket = Ticket.objects.filter(site=scenario.site).first()
    TicketPeriod.objects.create(
        ticket=ticket, status=S.SERVING, service=scenario.service_a, counter=counter_2,
        officer=scenario.alice, started_at=DAY, ended_at=DAY + timedelta(minutes=30),
    )  # fmt: skip
    report = _report(agency, scenario.qsm.user, DAY.date(), DAY.date())
    alice = next(row for row in report.officers if row.key == scenario.alice.pk)
    assert alice.hours == pytest.approx(38 / 60)  # 10:00 to 10:38, not 38 + 30 minutes
    team_one = next(row for row in report.teams if row.key == scenario.team_one.pk)
    assert team_one.hours == pytest.approx(38 / 60)


def test_two_teams_with_different_members_have_different_totals(agency):
    scenario = build(agency)
    report = _report(agency, scenario.qsm.user, DAY.date(), DAY.date())
    teams = {row.key: row for row in report.teams}
    officers = {row.key: row for row in report.officers}
    one, two = teams[scenario.team_one.pk], teams[scenario.team_two.pk]
    assert one.visits == officers[scenario.alice.pk].visits
    assert two.visits == officers[scenario.bob.pk].visits
    assert (one.visits, one.csat_answers) != (two.visits, two.csat_answers)


def _demo_history(agency, days: int, monkeypatch):
    """Two sites as the demo city has them: an officer of both, two of each site's own, and a
    third site with one officer for its three counters, through `queues.demo.load`."""
    monkeypatch.setattr(queues_demo, "HISTORY_DAYS", days)
    north, south = SiteFactory(agency=agency, code="HCC"), SiteFactory(agency=agency, code="NPE")
    lone = SiteFactory(agency=agency, code="KRT")
    frontline = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[north, south])
    for site in (north, south):
        for _n in (1, 2):
            StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[site])
    StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[lone])
    idle = StaffFactory(agency=agency, role=Role.FRONTLINE, display_name="Never at a desk")
    with time_machine.travel(NOW, tick=False):
        queues_demo.load(stdout=io.StringIO(), stderr=io.StringIO())
    assert Ticket.objects.filter(site=lone).exists()
    return frontline, idle, (north, south, lone)


def test_the_demo_puts_an_officer_at_one_desk_at_a_time(agency, monkeypatch):
    _frontline, _idle, _sites = _demo_history(agency, 14, monkeypatch)
    desks: dict[tuple[int, date], set] = {}
    for officer_id, site_id, counter_id, start in TicketPeriod.objects.filter(
        officer__isnull=False
    ).values_list("officer_id", "ticket__site_id", "counter_id", "started_at"):
        desks.setdefault((officer_id, start.astimezone(HK).date()), set()).add(
            (site_id, counter_id)
        )
    assert desks
    assert all(len(at) == 1 for at in desks.values()), "an officer at two desks in one day"
    # So nobody's hours at a counter can pass the time the site was open (8 h a weekday).
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    first, last = (NOW - timedelta(days=14)).date(), (NOW - timedelta(days=1)).date()
    report = _report(agency, qsm.user, first, last)
    weekdays = sum(
        1 for n in range((last - first).days + 1) if (first + timedelta(n)).weekday() < 5
    )
    assert report.officers
    for row in report.officers:
        assert row.hours is not None and row.hours <= 8 * weekdays + 1


def test_demo_answers_name_the_officer_who_served_the_visit(agency, monkeypatch):
    _frontline, idle, _sites = _demo_history(agency, 14, monkeypatch)
    monkeypatch.setattr(surveys_demo, "DAYS", 14)
    with time_machine.travel(NOW, tick=False):
        surveys_demo._load_agency(agency)
    served = {
        (site_id, day, officer_id, f"queues.service:{service_id}")
        for site_id, day, officer_id, service_id in Ticket.objects.filter(
            status=S.DONE, officer__isnull=False
        ).values_list("site_id", "day", "officer_id", "service_id")
    }
    named = Response.objects.filter(agency=agency, officer__isnull=False)
    assert named.count() > 20
    for r in named:
        assert (
            r.site_id,
            r.answered_at.astimezone(HK).date(),
            r.officer_id,
            r.service_key,
        ) in served
    assert not Response.objects.filter(officer=idle).exists()
    # On the performance page: nobody with survey answers and no visit.
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    first, last = (NOW - timedelta(days=14)).date(), (NOW - timedelta(days=1)).date()
    for row in _report(agency, qsm.user, first, last).officers:
        assert row.visits > 0 or row.csat_answers == 0, row.label


def test_the_demo_teams_have_members_of_their_own():
    load_organisations()
    for agency in Agency.objects.all():
        teams = list(Department.objects.filter(agency=agency).order_by("code")[:2])
        members = [set(team.staff.values_list("pk", flat=True)) for team in teams]
        assert members[0] != members[1]
        counter_officers = StaffProfile.objects.filter(
            agency=agency, role=Role.FRONTLINE, user__username__contains=".officer"
        )
        assert counter_officers.count() >= 4
        for officer in counter_officers:
            assert officer.departments.count() == 1
