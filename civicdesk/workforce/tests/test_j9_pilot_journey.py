"""The pilot programme journey: what a trainer, an officer and her supervisor stumbled on."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, SiteFactory, StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.models import Assessment, Enrolment
from civicdesk.workforce.report import programme_report, programme_survey_comparison
from civicdesk.workforce.tests.factories import (
    promulgated_profile,
    ratings_for,
    team,
    training_with_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(agency):
    _site, lead, officer, _colleague = team(agency)
    profile = promulgated_profile(agency)
    services.assessment_submit(actor=officer.user, subject=officer, ratings=ratings_for(profile))
    services.assessment_submit(actor=lead.user, subject=officer, ratings=ratings_for(profile))
    return lead, officer, profile


@pytest.mark.parametrize("who", ["officer", "lead"])
def test_assess_page_says_done_instead_of_a_form_already_submitted(client, assessed, who):
    lead, officer, profile = assessed
    client.force_login({"officer": officer, "lead": lead}[who].user)
    url = reverse("workforce:assess", args=[officer.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="assessment-done"' in page
    assert 'name="comment"' not in page and "Submit assessment" not in page
    # A post anyway (an old tab) changes nothing and is not an error page.
    response = client.post(url, {f"b{b}": 4 for b in ratings_for(profile)})
    assert response.status_code == 200
    assert Assessment.objects.filter(subject=officer).count() == 2


def test_team_page_offers_assess_only_when_not_done_this_quarter(client, assessed):
    lead, officer, _profile = assessed
    client.force_login(lead.user)
    page = client.get(reverse("workforce:team")).content.decode()
    assert reverse("workforce:assess", args=[officer.pk]) not in page
    assert "Assessed for" in page


def test_trainer_enrols_staff_of_another_agencys_pilot_site(client, agency, other_agency):
    """A pilot spans agencies: the trainer runs a session at the other agency's pilot site and
    must be able to enrol the people who work there, and nobody else from outside."""
    home_site = SiteFactory(agency=agency)
    pilot_site = SiteFactory(agency=other_agency)
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Pilot",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        sites=[home_site, pilot_site],
    )
    trainer, _course, session = training_with_session(agency, site=pilot_site, capacity=5)
    there = StaffFactory(agency=other_agency, role=Role.FRONTLINE, sites=[pilot_site])
    elsewhere = StaffFactory(agency=AgencyFactory(code="ENV"), role=Role.FRONTLINE)
    client.force_login(trainer.user)
    url = reverse("workforce:session", args=[session.pk])
    page = client.get(url).content.decode()
    assert f'value="{there.pk}"' in page
    assert f'value="{elsewhere.pk}"' not in page

    client.post(url, {"action": "enrol", "staff": there.pk})
    client.post(url, {"action": "enrol", "staff": elsewhere.pk})
    assert set(Enrolment.objects.filter(session=session).values_list("staff", flat=True)) == {
        there.pk
    }


def test_session_form_marks_the_pilot_sites(client, agency):
    pilot_site = SiteFactory(agency=agency, name="Harbour Centre")
    SiteFactory(agency=agency, name="Ridge Office")
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Pilot",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        sites=[pilot_site],
    )
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    client.force_login(trainer.user)
    page = client.get(reverse("workforce:session_new")).content.decode()
    assert "Harbour Centre (pilot site)" in page
    assert "Ridge Office (pilot site)" not in page and "Ridge Office" in page


def test_report_site_averages_leave_out_assessments_before_the_programme(agency, monkeypatch):
    monkeypatch.setattr("civicdesk.workforce.report.MIN_PEOPLE", 1)  # one officer, as a test
    site, lead, officer, _colleague = team(agency)
    _other_site, _l, _other_officer, _c = team(agency)
    profile = promulgated_profile(agency)
    with time_machine.travel("2026-08-10 09:00 +08:00", tick=False):
        # The baseline round, before the programme starts.
        services.assessment_submit(
            actor=officer.user, subject=officer, ratings=ratings_for(profile, 1)
        )
        services.assessment_submit(
            actor=lead.user, subject=officer, ratings=ratings_for(profile, 1)
        )
    programme = services.pilot_programme_create(
        actor=None,
        agency=agency,
        name="Pilot",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 2, 28),
        sites=[site],
    )
    with time_machine.travel("2026-11-10 09:00 +08:00", tick=False):
        services.assessment_submit(
            actor=officer.user, subject=officer, ratings=ratings_for(profile, 4)
        )
        services.assessment_submit(
            actor=lead.user, subject=officer, ratings=ratings_for(profile, 3)
        )
        data = programme_report(programme)
    per_site = data["sites"][0]["assessment"]
    assert (per_site["self"], per_site["supervisor"], per_site["assessed"]) == (4, 3, 1)
    # The period table still shows the baseline beside the programme's quarter.
    assert [p["period"] for p in data["assessments"]["periods"]] == ["2026-Q3", "2026-Q4"]


def test_survey_comparison_names_the_days_each_window_covers(agency):
    from datetime import timedelta

    from civicdesk.core.clock import now
    from civicdesk.surveys.tests.factories import ResponseFactory

    site = SiteFactory(agency=agency)
    programme = services.pilot_programme_create(
        actor=None,
        agency=agency,
        name="P",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
        sites=[site],
    )
    with time_machine.travel("2026-03-31 12:00 +08:00", tick=False):
        ResponseFactory(agency=agency, site=site, csat=5, nps=10,
                        answered_at=now() - timedelta(days=1))  # fmt: skip
        result = programme_survey_comparison(programme)
    # After: from the start to today. Before: as long again, ending the day before the start.
    assert result["windows"] == {
        "before": (date(2026, 1, 29), date(2026, 2, 28)),
        "after": (date(2026, 3, 1), date(2026, 3, 31)),
    }


@pytest.mark.parametrize("value", ["abc", "", "99999999999999999999999", "1.5"])
def test_a_posted_row_id_that_is_not_a_number_is_a_404_not_a_500(client, agency, value):
    site, _lead, officer, _colleague = team(agency)
    trainer, _course, session = training_with_session(agency, site=site, capacity=5)
    services.enrolment_create(actor=officer.user, session=session, staff=officer)
    executive = StaffFactory(agency=agency, role=Role.EXECUTIVE)
    programme = services.pilot_programme_create(
        actor=None,
        agency=agency,
        name="Pilot",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        sites=[site],
        sponsor=executive,
    )
    client.force_login(trainer.user)
    session_url = reverse("workforce:session", args=[session.pk])
    assert client.post(session_url, {"action": "withdraw", "enrolment": value}).status_code == 404
    response = client.post(session_url, {"action": "enrol", "staff": value})
    assert response.status_code == 302  # back to the page with "Choose a person"
    client.force_login(executive.user)
    programme_url = reverse("workforce:programme", args=[programme.pk])
    response = client.post(programme_url, {"action": "complete", "milestone": value})
    assert response.status_code == 404


def test_demo_leaves_the_readme_frontline_account_to_assess_this_quarter(db):
    """README signs the walker in as <agency>.frontline: her self-assessment and her
    supervisor's for this quarter must still be open, or the journey cannot be walked."""
    import io

    from civicdesk.core.clock import now
    from civicdesk.organisations.tests.factories import UserFactory
    from civicdesk.workforce import demo

    roles = {
        "admin": Role.AGENCY_ADMIN,
        "lead": Role.TEAM_LEAD,
        "trainer": Role.TRAINER,
        "exec": Role.EXECUTIVE,
        "qsm": Role.QSM,
    }
    for code, site_codes in demo.PILOT_SITES.items():
        agency = AgencyFactory(code=code)
        sites = [SiteFactory(agency=agency, code=c) for c in site_codes]
        staff = {
            key: StaffFactory(
                agency=agency, role=role, user=UserFactory(username=f"{code.lower()}.{key}")
            )
            for key, role in roles.items()
        }
        StaffFactory(
            agency=agency,
            role=Role.FRONTLINE,
            sites=sites[:2],
            supervisor=staff["lead"],
            user=UserFactory(username=f"{code.lower()}.frontline"),
        )
    demo.load(stdout=io.StringIO(), stderr=io.StringIO())
    this_quarter = services.period_of(now())
    frontline = Assessment.objects.filter(subject__user__username="hsg.frontline")
    assert frontline.exists()  # last quarter's round, for her trend
    assert not frontline.filter(period=this_quarter).exists()
    assert Assessment.objects.filter(period=this_quarter, kind="self").exists()
