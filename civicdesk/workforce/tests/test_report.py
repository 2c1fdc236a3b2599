"""The programme progress report: counts pilot sites against the rest, and the survey hook."""

import sys
import types
from datetime import date, timedelta

import pytest
import time_machine

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.workforce import report as report_module
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


def test_survey_section_waits_for_the_surveys_app(agency, monkeypatch):
    site = SiteFactory(agency=agency)
    other = SiteFactory(agency=agency)
    programme = services.pilot_programme_create(
        actor=None,
        agency=agency,
        name="P",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
        sites=[site],
    )
    assert programme_survey_comparison(programme) == {
        "available": False,
        "message": "no survey data yet",
    }
    calls = []

    def survey_site_scores(*, site_ids, start, end):
        calls.append((sorted(site_ids), start, end))
        return {"responses": 10, "csat": 4.1 if site.pk in site_ids else 3.9, "nps": 12.0}

    fake = types.ModuleType("civicdesk.surveys.selectors")
    fake.survey_site_scores = survey_site_scores
    monkeypatch.setitem(sys.modules, "civicdesk.surveys.selectors", fake)
    monkeypatch.setattr(
        report_module.apps, "is_installed", lambda name: name == "civicdesk.surveys"
    )
    with time_machine.travel("2026-03-31 12:00 +08:00", tick=False):
        result = programme_survey_comparison(programme)
    assert result["available"] is True
    assert [r["group"] for r in result["rows"]] == ["pilot", "other"]
    assert result["rows"][0]["after"]["csat"] == 4.1
    assert {tuple(c[0]) for c in calls} == {(site.pk,), (other.pk,)}
    before_start, before_end = calls[0][1], calls[0][2]
    after_start, after_end = calls[1][1], calls[1][2]
    assert before_end == after_start and after_end - after_start == before_end - before_start


def test_without_a_scores_function_the_surveys_responses_are_read(agency, monkeypatch):
    """The surveys app on main keeps Response rows (site, answered_at, csat, nps)."""
    site = SiteFactory(agency=agency)
    programme = services.pilot_programme_create(
        actor=None,
        agency=agency,
        name="P",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
        sites=[site],
    )
    asked = []

    class Rows:
        def filter(self, **lookups):
            asked.append(lookups)
            pilot = lookups["site_id__in"] == [site.pk]
            before = lookups["answered_at__lt"].date() <= date(2026, 1, 1)
            if pilot and not before:
                return self._values([(5, 10), (4, 9), (3, 5), (None, 8)])
            return self._values([(3, 6), (4, 7)] if pilot else [])

        @staticmethod
        def _values(rows):
            return types.SimpleNamespace(values_list=lambda *fields: rows)

    fake_model = types.SimpleNamespace(objects=Rows())
    monkeypatch.setitem(sys.modules, "civicdesk.surveys.selectors", types.ModuleType("x"))
    monkeypatch.setattr(
        report_module.apps, "is_installed", lambda name: name == "civicdesk.surveys"
    )
    monkeypatch.setattr(report_module.apps, "get_model", lambda app, model: fake_model)
    with time_machine.travel("2026-03-31 12:00 +08:00", tick=False):
        result = programme_survey_comparison(programme)
    pilot = result["rows"][0]
    assert pilot["before"] == {"responses": 2, "csat": 3.5, "nps": -50.0}
    assert pilot["after"] == {"responses": 4, "csat": 4, "nps": 25.0}
    assert result["rows"][1]["after"] == {"responses": 0, "csat": None, "nps": None}
    assert len(asked) == 4
