"""The programme progress report: counts pilot sites against the rest, and the survey hook."""

from datetime import date, timedelta

import pytest
import time_machine

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.report import (
    NO_SURVEY_DATA,
    programme_report,
    programme_survey_comparison,
    render_report_html,
    render_report_pdf,
)
from civicdesk.workforce.tests.factories import (
    idea_by,
    promulgated_profile,
    ratings_for,
    team,
    training_with_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(agency):
    with time_machine.travel("2026-10-01 09:00 +08:00", tick=False):
        pilot_site, lead, officer, colleague = team(agency)
        other_site, other_lead, other_officer, _x = team(agency)
        admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
        programme = services.pilot_programme_create(
            actor=admin.user,
            agency=agency,
            name="Service Culture Pilot",
            starts_on=date(2026, 9, 1),
            ends_on=date(2027, 2, 28),
            sites=[pilot_site],
        )
        services.pilot_site_add(actor=admin.user, programme=programme, site=pilot_site, owner=lead)
        m1 = services.milestone_create(
            actor=admin.user,
            programme=programme,
            title="Profiles out",
            owner=lead,
            starts_on=date(2026, 9, 1),
            due_on=date(2026, 9, 15),
        )
        services.milestone_complete(actor=lead.user, milestone=m1, completed_on=date(2026, 9, 20))
        services.milestone_create(
            actor=admin.user,
            programme=programme,
            title="Training done",
            owner=lead,
            starts_on=date(2026, 9, 1),
            due_on=date(2026, 9, 30),
        )
        services.milestone_create(
            actor=admin.user,
            programme=programme,
            title="Review",
            owner=lead,
            starts_on=date(2026, 12, 1),
            due_on=date(2027, 1, 30),
        )
        profile = promulgated_profile(agency)
        services.assessment_submit(
            actor=officer.user, subject=officer, ratings=ratings_for(profile, 4)
        )
        services.assessment_submit(
            actor=lead.user, subject=officer, ratings=ratings_for(profile, 2)
        )
        services.assessment_submit(
            actor=other_officer.user, subject=other_officer, ratings=ratings_for(profile, 3)
        )
        idea = idea_by(officer, site=pilot_site)
        idea_by(other_officer, site=other_site)
        trainer, _course, session = training_with_session(agency, site=pilot_site, capacity=5)
        services.enrolment_create(actor=officer.user, session=session, staff=officer)
    with time_machine.travel(session.starts_at + timedelta(hours=1), tick=False):
        services.enrolment_record(
            actor=trainer.user, enrolment=session.enrolments.get(), status="completed"
        )
    return locals()


@time_machine.travel("2026-10-10 09:00 +08:00", tick=False)
def test_report_counts_pilot_against_other_sites(pilot, monkeypatch):
    # One person per group here: the arithmetic, not the small-cell rule (test_report_small_cells).
    monkeypatch.setattr("civicdesk.workforce.report.MIN_PEOPLE", 1)
    data = programme_report(pilot["programme"])
    assert data["milestones"]["counts"] == {
        "done_on_time": 0,
        "done_late": 1,
        "overdue": 1,
        "open": 1,
    }
    assert data["ideas"]["totals"]["pilot"] == {"initiated": 1, "implemented": 0, "per_site": 1.0}
    assert data["ideas"]["totals"]["other"]["initiated"] == 1
    assert data["ideas"]["listed"] == [pilot["idea"]]
    assert data["assessments"]["periods"] == [
        {
            "period": "2026-Q4",
            "pilot_self": 4,
            "pilot_supervisor": 2,
            "other_self": 3,
            "other_supervisor": None,
        }
    ]
    site_row = data["sites"][0]
    assert site_row["owner"] == pilot["lead"]
    # Lead, officer and colleague work at the pilot site; the officer completed training.
    assert (site_row["training"]["trained"], site_row["training"]["staff"]) == (1, 3)
    assert data["training"]["completed"] == 1
    assert data["surveys"] == {"available": False, "message": NO_SURVEY_DATA}

    lead = pilot["lead"]
    services.idea_approve(actor=lead.user, idea=pilot["idea"])
    services.idea_implement(actor=lead.user, idea=pilot["idea"])
    after = programme_report(pilot["programme"])
    assert after["ideas"]["totals"]["pilot"]["implemented"] == 1


@time_machine.travel("2026-10-10 09:00 +08:00", tick=False)
def test_report_renders_as_html_and_pdf(pilot):
    html = render_report_html(pilot["programme"])
    assert "Service Culture Pilot" in html and "No survey data yet." in html
    assert "<svg" in html and 'role="img"' in html
    assert f"Line manager (owner): {pilot['lead'].display_name}" in html
    pdf = render_report_pdf(pilot["programme"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_survey_section_compares_pilot_and_other_sites_as_the_dashboards_score(agency):
    """CSAT is the share satisfied (4 or 5 of 5) and NPS promoters minus detractors, read from
    the surveys' own responses: the same figures the surveys dashboard and pledges show."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from civicdesk.surveys.tests.factories import ResponseFactory

    site, other = SiteFactory(agency=agency), SiteFactory(agency=agency)
    programme = services.pilot_programme_create(
        actor=None,
        agency=agency,
        name="P",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
        sites=[site],
    )
    with time_machine.travel("2026-03-31 12:00 +08:00", tick=False):
        assert programme_survey_comparison(programme) == {
            "available": False,
            "message": NO_SURVEY_DATA,
        }
    hk = ZoneInfo("Asia/Hong_Kong")

    def answered(where, day, csat, nps):
        ResponseFactory(agency=agency, site=where, answered_at=datetime(*day, 10, tzinfo=hk),
                        csat=csat, nps=nps)  # fmt: skip

    for csat, nps in ((3, 6), (4, 7)):  # before: half satisfied, one detractor of two
        answered(site, (2025, 12, 15), csat, nps)
    for csat, nps in ((5, 10), (4, 9), (3, 5), (None, 8)):
        answered(site, (2026, 2, 2), csat, nps)
    answered(other, (2025, 6, 1), 5, 10)  # long before the before-window: not counted
    answered(site, (2026, 4, 2), 1, 0)  # after today: not counted yet
    with time_machine.travel("2026-03-31 12:00 +08:00", tick=False):
        result = programme_survey_comparison(programme)
    assert result["available"] is True
    pilot, others = result["rows"]
    assert (pilot["group"], others["group"]) == ("pilot", "other")
    assert pilot["before"] == {"responses": 2, "csat": 50.0, "nps": -50.0}
    assert pilot["after"] == {"responses": 4, "csat": 66.7, "nps": 25.0}
    assert others["before"] == others["after"] == {"responses": 0, "csat": None, "nps": None}
    assert result["windows"]["after"] == (date(2026, 1, 1), date(2026, 3, 31))
