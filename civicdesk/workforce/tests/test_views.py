"""Every staff page renders for the people who may see it and refuses the rest, never a 500."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from civicdesk.core.clock import now
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.models import Assessment, Enrolment, Idea, IdeaStatus, Milestone
from civicdesk.workforce.tests.factories import (
    idea_by,
    promulgated_profile,
    ratings_for,
    team,
    training_with_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(agency):
    site, lead, officer, colleague = team(agency)
    profile = promulgated_profile(agency)
    promulgated_profile(agency, group="leader", title="Leaders")
    trainer, course, session = training_with_session(agency, site=site, capacity=3)
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    executive = StaffFactory(agency=agency, role=Role.EXECUTIVE)
    services.assessment_submit(actor=officer.user, subject=officer, ratings=ratings_for(profile, 4))
    services.assessment_submit(actor=lead.user, subject=officer, ratings=ratings_for(profile, 2))
    idea = idea_by(officer)
    award = services.award_create(
        actor=admin.user, agency=agency, name="Star", period="2026", closes_on=date(2099, 1, 1)
    )
    programme = services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Pilot",
        starts_on=timezone.localdate(now()) - timedelta(days=30),
        ends_on=timezone.localdate(now()) + timedelta(days=60),
        sites=[site],
        sponsor=executive,
    )
    return locals()


def _pages(w):
    return [
        reverse("workforce:home"),
        reverse("workforce:my_profile"),
        reverse("workforce:profiles"),
        reverse("workforce:profile_detail", args=[w["profile"].pk]),
        reverse("workforce:team"),
        reverse("workforce:person", args=[w["officer"].pk]),
        reverse("workforce:assess", args=[w["officer"].pk]),
        reverse("workforce:training"),
        reverse("workforce:session", args=[w["session"].pk]),
        reverse("workforce:ideas"),
        reverse("workforce:ideas") + "?by=team",
        reverse("workforce:ideas") + "?by=period&status=submitted",
        reverse("workforce:idea_new"),
        reverse("workforce:idea", args=[w["idea"].pk]),
        reverse("workforce:awards"),
        reverse("workforce:programmes"),
        reverse("workforce:programme", args=[w["programme"].pk]),
        reverse("workforce:report", args=[w["programme"].pk]),
    ]


# Agency admins pass two-factor first; their pages are the same templates.
@pytest.mark.parametrize("who", ["officer", "colleague", "lead", "trainer", "executive"])
def test_every_page_answers_without_error(client, world, who):
    client.force_login(world[who].user)
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        if url.endswith("/workforce/"):
            assert response.status_code == 200


def test_the_officer_sees_her_own_records_only(client, world):
    client.force_login(world["officer"].user)
    assert client.get(reverse("workforce:person", args=[world["officer"].pk])).status_code == 200
    colleague = reverse("workforce:person", args=[world["colleague"].pk])
    assert client.get(colleague).status_code == 404
    assert client.get(reverse("workforce:report", args=[world["programme"].pk])).status_code == 404
    page = client.get(reverse("workforce:person", args=[world["officer"].pk])).content.decode()
    assert "development need" in page  # supervisor rated 2, below the expected 3
    assert "-2" in page  # the gap


def test_a_manager_cannot_open_the_assessment_of_someone_outside_the_team(client, world, agency):
    stranger = team(agency)[2]
    client.force_login(world["lead"].user)
    assert client.get(reverse("workforce:assess", args=[stranger.pk])).status_code == 404
    other = team(AgencyFactory(code="TRN"))[2]
    assert client.get(reverse("workforce:person", args=[other.pk])).status_code == 404


def test_supervisor_assessment_through_the_form(client, world):
    world["colleague"].refresh_from_db()
    profile = world["profile"]
    client.force_login(world["lead"].user)
    url = reverse("workforce:assess", args=[world["colleague"].pk])
    partial = {f"b{b}": 3 for b in list(ratings_for(profile))[:1]}
    response = client.post(url, partial)
    assert response.status_code == 422 and "There is a problem" in response.content.decode()
    assert not Assessment.objects.filter(subject=world["colleague"]).exists()
    response = client.post(url, {f"b{b}": 3 for b in ratings_for(profile)})
    assert response.status_code == 302
    assert Assessment.objects.get(subject=world["colleague"]).kind == "supervisor"


def test_idea_form_shows_errors_and_then_submits(client, world):
    client.force_login(world["colleague"].user)
    url = reverse("workforce:idea_new")
    response = client.post(
        url, {"title": "", "problem": "p", "proposal": "", "expected_benefit": ""}
    )
    body = response.content.decode()
    assert response.status_code == 422 and "Enter a title for your idea." in body
    assert body.count("govuk-error-message") == 3
    response = client.post(
        url,
        {
            "title": "Shorter forms",
            "problem": "Too long",
            "proposal": "Cut it",
            "expected_benefit": "Faster",
            "site": world["site"].pk,
        },
    )
    idea = Idea.objects.get(title="Shorter forms")
    assert response.status_code == 302 and response.url == reverse("workforce:idea", args=[idea.pk])


def test_own_idea_shows_no_decision_buttons_and_post_is_refused(client, world):
    client.force_login(world["officer"].user)
    url = reverse("workforce:idea", args=[world["idea"].pk])
    assert "Approve and assign" not in client.get(url).content.decode()
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 403
    world["idea"].refresh_from_db()
    assert world["idea"].status == IdeaStatus.SUBMITTED


def test_full_session_shows_a_clear_message(client, world, agency):
    session = world["session"]
    client.force_login(world["lead"].user)
    extra = [
        StaffFactory(
            agency=agency, role=Role.FRONTLINE, sites=[world["site"]], supervisor=world["lead"]
        )
        for _ in range(3)
    ]
    url = reverse("workforce:session", args=[session.pk])
    for person in extra:
        client.post(url, {"action": "enrol", "staff": person.pk})
    assert Enrolment.objects.filter(session=session).count() == 3
    response = client.post(url, {"action": "enrol", "staff": world["officer"].pk}, follow=True)
    assert "This session is full" in response.content.decode()
    assert Enrolment.objects.filter(session=session).count() == 3


def test_milestone_form_refuses_due_before_start(client, world):
    client.force_login(world["executive"].user)  # the sponsor
    url = reverse("workforce:programme", args=[world["programme"].pk])
    response = client.post(
        url,
        {
            "title": "Train",
            "owner": world["lead"].pk,
            "starts_on": "2026-10-10",
            "due_on": "2026-10-01",
        },
    )
    assert response.status_code == 200
    assert "must be due on or after" in response.content.decode()
    assert not Milestone.objects.exists()


def test_report_pdf_downloads(client, world):
    client.force_login(world["executive"].user)
    response = client.get(reverse("workforce:report_pdf", args=[world["programme"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_trainer_schedules_a_session_in_the_site_time_zone(client, world):
    client.force_login(world["trainer"].user)
    with time_machine.travel("2026-11-10 10:00 +08:00", tick=False):
        response = client.post(
            reverse("workforce:session_new"),
            {
                "training": world["course"].pk,
                "site": world["site"].pk,
                "trainer": world["trainer"].pk,
                "day": "2026-12-01",
                "starts": "09:30",
                "ends": "09:00",
                "capacity": "12",
            },
        )
        assert "must end after it starts" in response.content.decode()
        response = client.post(
            reverse("workforce:session_new"),
            {
                "training": world["course"].pk,
                "site": world["site"].pk,
                "trainer": world["trainer"].pk,
                "day": "2026-12-01",
                "starts": "09:30",
                "ends": "12:30",
                "capacity": "12",
            },
        )
    assert response.status_code == 302
    session = world["course"].sessions.order_by("-pk").first()
    assert session.starts_at.isoformat() == "2026-12-01T01:30:00+00:00"


def test_team_page_lists_what_each_person_still_needs(client, world):
    client.force_login(world["lead"].user)
    body = client.get(reverse("workforce:team")).content.decode()
    assert world["officer"].display_name in body and world["colleague"].display_name in body
    # The officer is below the expected rating on "difficult": conflict resolution develops it.
    assert "Conflict resolution" in body


def test_list_pages_do_not_grow_queries_with_rows(
    client, world, agency, django_assert_max_num_queries
):
    for n in range(12):
        idea_by(world["colleague"], title=f"Idea {n}")
    for _ in range(5):
        training_with_session(agency, site=world["site"], code=f"c{_}", title=f"Course {_}")
    client.force_login(world["lead"].user)
    for url in (reverse("workforce:ideas"), reverse("workforce:training")):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
