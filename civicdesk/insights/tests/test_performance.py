"""Figures of the performance service against the hand-computed day in test_performance_scenario.

Runs the same on SQLite and PostgreSQL (the suite runs on both); on PostgreSQL the 90th
percentile is also checked against the database's own PERCENTILE_CONT.
"""

from datetime import date

import pytest
from django.db import connection

from civicdesk.core.errors import ValidationFailed
from civicdesk.insights.performance import (
    NO_TEAM,
    PerformanceQuery,
    agencies_for,
    percentile_cont,
    performance_report,
    visits_in,
)
from civicdesk.insights.tests.test_performance_scenario import build

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 3)


@pytest.fixture
def scenario(agency):
    return build(agency)


def report_for(scenario, user=None, **narrow):
    query = PerformanceQuery(agency=scenario.agency, date_from=DAY, date_to=DAY, **narrow)
    return performance_report(user=user or scenario.qsm.user, query=query)


def rows_by_label(rows):
    return {row.label: row for row in rows}


def test_officer_figures_match_the_hand_computed_day(scenario):
    report = report_for(scenario)
    officers = rows_by_label(report.officers)
    alice, bob = officers["Alice Officer"], officers["Bob Officer"]

    assert (alice.visits, alice.served, alice.held, alice.transferred, alice.no_shows) == (
        4, 3, 1, 0, 1,
    )  # fmt: skip
    assert alice.mean_seconds == pytest.approx(320)  # (240 + 600 + 120) / 3
    assert alice.p90_seconds == pytest.approx(528)  # 240 + 0.8 * (600 - 240)
    assert alice.expected_mean_seconds == pytest.approx(380)  # (240 + 660 + 240) / 3
    assert alice.case_mix_index == pytest.approx(960 / 1140)
    assert alice.hours == pytest.approx(38 / 60)  # counter 1 from 10:00 to 10:38
    assert alice.per_hour == pytest.approx(3 / (38 / 60))
    assert alice.hold_rate == pytest.approx(1 / 3)
    assert alice.no_show_rate == pytest.approx(1 / 4)
    assert alice.transfer_rate == 0
    assert (alice.csat_answers, alice.csat_percent, alice.csat_mean) == (2, 50, 4)
    assert (alice.cases_resolved, alice.cases_with_standard, alice.cases_within) == (1, 1, 1)

    assert (bob.visits, bob.served, bob.held, bob.transferred, bob.no_shows) == (3, 3, 0, 1, 0)
    assert bob.mean_seconds == pytest.approx(580)  # (360 + 1200 + 180) / 3
    assert bob.p90_seconds == pytest.approx(1032)  # 360 + 0.8 * (1200 - 360)
    assert bob.expected_mean_seconds == pytest.approx(520)  # (240 + 660 + 660) / 3
    assert bob.case_mix_index == pytest.approx(1740 / 1560)
    assert bob.hours == pytest.approx(33 / 60)  # counter 2 from 10:00 to 10:33
    assert bob.transfer_rate == pytest.approx(1 / 3)
    assert (bob.csat_answers, bob.csat_percent) == (1, 100)
    assert (bob.cases_resolved, bob.cases_within) == (1, 0)

    # Bob's raw mean is 1.8 times Alice's, but much of it is his harder mix of services.
    assert bob.mean_seconds / alice.mean_seconds == pytest.approx(1.8125)
    assert bob.case_mix_index / alice.case_mix_index == pytest.approx(1.3245, abs=1e-4)


def test_totals_teams_services_and_periods(scenario):
    report = report_for(scenario)
    total = report.total
    assert (total.visits, total.served, total.no_shows, total.transferred) == (7, 6, 1, 1)
    assert total.mean_seconds == pytest.approx(450)
    assert total.case_mix_index == pytest.approx(1.0)  # the norm is the agency's own mean
    assert total.hours == pytest.approx(71 / 60)

    teams = {row.key: row for row in report.teams}
    assert set(teams) == {scenario.team_one.pk, scenario.team_two.pk}
    assert teams[scenario.team_one.pk].mean_seconds == pytest.approx(320)
    assert teams[scenario.team_two.pk].case_mix_index == pytest.approx(1740 / 1560)

    services = {row.key: row for row in report.services}
    quick, slow = services[scenario.service_a.pk], services[scenario.service_b.pk]
    assert (quick.served, quick.mean_seconds, quick.case_mix_index) == (3, 240, 1.0)
    assert (slow.served, slow.mean_seconds) == (3, 660)
    assert slow.p90_seconds == pytest.approx(600 + 0.8 * 600)
    assert (slow.csat_answers, quick.csat_answers) == (2, 1)
    assert quick.hours is None  # hours belong to officers, not services

    assert [row.label for row in report.periods] == ["2026-03-03"]
    assert report.periods[0].served == 6


def test_filters_narrow_the_figures(scenario):
    only_b = report_for(scenario, service_id=scenario.service_b.pk)
    officers = rows_by_label(only_b.officers)
    assert officers["Alice Officer"].served == 1
    assert officers["Alice Officer"].case_mix_index == pytest.approx(600 / 660)
    assert officers["Bob Officer"].cases_resolved == 0  # cases are not queue services

    team_two = report_for(scenario, team_id=scenario.team_two.pk)
    assert [row.label for row in team_two.officers] == ["Bob Officer"]
    # The norm still comes from every officer: Bob's index does not change with the filter.
    assert team_two.officers[0].case_mix_index == pytest.approx(1740 / 1560)
    assert [row.key for row in team_two.teams] == [scenario.team_two.pk]

    one = report_for(scenario, officer_id=scenario.alice.pk)
    assert [row.label for row in one.officers] == ["Alice Officer"]

    other_day = PerformanceQuery(agency=scenario.agency, date_from=date(2026, 3, 4),
                                 date_to=date(2026, 3, 10))  # fmt: skip
    empty = performance_report(user=scenario.qsm.user, query=other_day)
    assert empty.officers == [] and empty.total.served == 0
    assert len(empty.periods) == 7


def test_who_sees_which_officers(scenario, other_agency):
    from civicdesk.organisations.roles import Role
    from civicdesk.organisations.tests.factories import StaffFactory

    assert {r.label for r in report_for(scenario, scenario.qsm.user).officers} == {
        "Alice Officer", "Bob Officer",
    }  # fmt: skip
    assert [r.label for r in report_for(scenario, scenario.alice.user).officers] == [
        "Alice Officer"
    ]
    assert [r.label for r in report_for(scenario, scenario.lead.user).officers] == ["Alice Officer"]
    assert report_for(scenario, scenario.trainer.user).officers == []
    stranger = StaffFactory(agency=other_agency, role=Role.QSM)
    assert report_for(scenario, stranger.user).officers == []
    assert list(agencies_for(stranger.user)) == [other_agency]
    sysadmin = StaffFactory(agency=None, role=Role.SYSTEM_ADMIN)
    assert len(report_for(scenario, sysadmin.user).officers) == 2
    assert set(agencies_for(sysadmin.user)) == {scenario.agency, other_agency}
    # Without a team, an officer's rows go to "No team".
    scenario.bob.departments.clear()
    teams = report_for(scenario).teams
    assert [row.key for row in teams] == [scenario.team_one.pk, NO_TEAM]


def test_percentile_is_percentile_cont():
    assert percentile_cont([], 0.9) is None
    assert percentile_cont([7.0], 0.9) == 7.0
    assert percentile_cont([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == pytest.approx(9.1)
    assert percentile_cont([10, 1, 5], 0.5) == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PERCENTILE_CONT is PostgreSQL's")
def test_p90_equals_postgresql_percentile_cont(scenario):
    query = PerformanceQuery(agency=scenario.agency, date_from=DAY, date_to=DAY)
    served = [v.service_seconds for v in visits_in(query) if v.service_seconds is not None]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY s) FROM unnest(%s::float8[]) s",
            [served],
        )
        (expected,) = cursor.fetchone()
    assert percentile_cont(served, 0.9) == pytest.approx(expected, abs=1e-9)
    assert report_for(scenario).total.p90_seconds == pytest.approx(expected, abs=1e-9)


def test_a_range_must_be_sensible(agency):
    with pytest.raises(ValidationFailed):
        PerformanceQuery(agency=agency, date_from=DAY, date_to=date(2026, 3, 1))
    with pytest.raises(ValidationFailed):
        PerformanceQuery(agency=agency, date_from=date(2025, 1, 1), date_to=DAY)
