"""The workforce JSON API: ideas, sessions and enrolment, programme progress."""

import json
from datetime import date

import pytest

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.models import Idea
from civicdesk.workforce.tests.factories import team, training_with_session

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workforce"


def _post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_idea_through_the_api(client, agency):
    site, lead, officer, _c = team(agency)
    assert client.get(f"{BASE}/ideas").status_code == 401
    client.force_login(officer.user)
    response = _post(
        client,
        f"{BASE}/ideas",
        {
            "title": "SMS",
            "problem": "Calls",
            "proposal": "Text",
            "expected_benefit": "Fewer calls",
            "site_id": site.pk,
        },
    )
    assert response.status_code == 201
    idea_id = response.json()["id"]
    refused = _post(client, f"{BASE}/ideas/{idea_id}/transition", {"to": "approved"})
    assert refused.status_code == 403 and refused.json()["code"] == "own_idea"
    bad = _post(
        client,
        f"{BASE}/ideas",
        {"title": "", "problem": "", "proposal": "x", "expected_benefit": "y"},
    )
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"title", "problem"}

    client.force_login(lead.user)
    assert [i["id"] for i in client.get(f"{BASE}/ideas").json()] == [idea_id]
    illegal = _post(client, f"{BASE}/ideas/{idea_id}/transition", {"to": "implemented"})
    assert illegal.status_code == 409
    assert (
        _post(client, f"{BASE}/ideas/{idea_id}/transition", {"to": "approved"}).status_code == 200
    )
    done = _post(client, f"{BASE}/ideas/{idea_id}/transition", {"to": "implemented"})
    assert done.json()["status"] == "implemented"
    assert Idea.objects.get().implemented_at is not None


def test_enrolment_through_the_api_stops_at_capacity(client, agency):
    site, lead, officer, colleague = team(agency)
    _trainer, _course, session = training_with_session(agency, site=site, capacity=1)
    client.force_login(officer.user)
    listed = client.get(f"{BASE}/sessions").json()
    assert [(s["id"], s["places_left"]) for s in listed] == [(session.pk, 1)]
    assert _post(client, f"{BASE}/sessions/{session.pk}/enrolments", {}).status_code == 201
    client.force_login(lead.user)
    full = _post(client, f"{BASE}/sessions/{session.pk}/enrolments", {"staff_id": colleague.pk})
    assert full.status_code == 409 and full.json()["code"] == "session_full"
    assert session.enrolments.count() == 1


def test_programme_progress(client, agency):
    site, lead, _officer, _c = team(agency)
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    programme = services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Pilot",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        sites=[site],
    )
    client.force_login(lead.user)
    data = client.get(f"{BASE}/programmes/{programme.pk}/progress").json()
    assert data["pilot_sites"] == 1
    assert data["surveys"] == {"available": False, "message": "no survey data yet"}
    client.force_login(_officer.user)
    assert client.get(f"{BASE}/programmes/{programme.pk}/progress").status_code == 404


def test_person_assessment_shows_the_gap_to_the_person_and_the_manager_only(client, agency):
    from civicdesk.workforce.tests.factories import promulgated_profile, ratings_for

    site, lead, officer, colleague = team(agency)
    profile = promulgated_profile(agency)
    training_with_session(agency, site=site)  # conflict resolution develops "difficult"
    services.assessment_submit(actor=officer.user, subject=officer, ratings=ratings_for(profile, 4))
    services.assessment_submit(actor=lead.user, subject=officer, ratings=ratings_for(profile, 2))
    for viewer in (officer, lead):
        client.force_login(viewer.user)
        data = client.get(f"{BASE}/people/{officer.pk}/assessment").json()
        assert (data["self_average"], data["supervisor_average"], data["gap"]) == (4, 2, -2)
        assert all(b["development_need"] for b in data["behaviours"])
        assert data["training_needed"] == ["conflict"]
    client.force_login(colleague.user)
    assert client.get(f"{BASE}/people/{officer.pk}/assessment").status_code == 404
