"""The JSON API over real HTTP (Django's test client through the ninja router)."""

import json

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import TEST_PASSWORD, SiteFactory, StaffFactory
from civicdesk.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def login(client, agency, role=Role.QSM):
    profile = StaffFactory(agency=agency, role=role)
    client.login(username=profile.user.username, password=TEST_PASSWORD)
    return profile


def test_results_json_by_site(client, agency):
    site = SiteFactory(agency=agency, name="Alpha")
    for score in (5, 4, 1):
        ResponseFactory(agency=agency, site=site, csat=score, nps=10, ces=7)
    login(client, agency)
    rows = client.get("/api/v1/surveys/results?group_by=site").json()
    assert rows[0]["label"] == "Alpha" and rows[0]["n"] == 3
    assert rows[0]["csat"]["value"] == pytest.approx(200 / 3)
    assert rows[0]["csat"]["low"] < rows[0]["csat"]["value"] < rows[0]["csat"]["high"]
    assert rows[0]["nps"]["value"] == 100
    bad = client.get("/api/v1/surveys/results?group_by=shoe-size")
    assert bad.status_code == 422 and "group_by" in bad.json()["detail"]


def test_results_need_a_surveys_grant(client, agency):
    login(client, agency, role=Role.FRONTLINE)
    assert client.get("/api/v1/surveys/results").status_code == 403
    client.logout()
    assert client.get("/api/v1/surveys/results").status_code == 401


def test_publish_a_new_version_through_the_api(client, agency):
    login(client, agency)
    current = client.get("/api/v1/surveys/current").json()
    assert current["version"] == 1 and len(current["questions"]) == 11
    body = {
        "questions": [
            *current["questions"][:3],
            {
                "key": "parking",
                "kind": "yes_no",
                "text": {"en": "Did you find parking?", "zh-hant": "您找到泊車位嗎？"},
            },
        ]
    }
    response = client.put(
        "/api/v1/surveys/current", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert [q["key"] for q in response.json()["questions"]][-1] == "parking"
    assert AuditEntry.objects.filter(action="survey.publish", actor__isnull=False).count() == 1
    too_many = {
        "questions": [{"key": f"q{i}", "kind": "csat", "text": {"en": "?"}} for i in range(16)]
    }
    refused = client.put(
        "/api/v1/surveys/current", data=json.dumps(too_many), content_type="application/json"
    )
    assert refused.status_code == 422 and "at most 15" in refused.json()["detail"]
    assert client.get("/api/v1/surveys/current").json()["version"] == 2


def test_team_lead_cannot_publish(client, agency):
    login(client, agency, role=Role.TEAM_LEAD)
    body = {"questions": [{"key": "a", "kind": "csat", "text": {"en": "?"}}]}
    response = client.put(
        "/api/v1/surveys/current", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 403


def test_evaluation_json(client, agency):
    from datetime import timedelta

    from civicdesk.core.clock import now

    site = SiteFactory(agency=agency)
    start = now() - timedelta(days=60)
    for i in range(35):
        ResponseFactory(agency=agency, site=site, csat=2 + i % 2, nps=5, ces=3,
                        answered_at=start + timedelta(days=i % 20))  # fmt: skip
        ResponseFactory(agency=agency, site=site, csat=4 + i % 2, nps=9, ces=6,
                        answered_at=start + timedelta(days=35 + i % 20))  # fmt: skip
    login(client, agency)
    day = start.date()
    query = {
        "sites": str(site.pk),
        "before_from": day.isoformat(),
        "before_to": (day + timedelta(days=25)).isoformat(),
        "after_from": (day + timedelta(days=30)).isoformat(),
        "after_to": (day + timedelta(days=60)).isoformat(),
    }
    body = client.get("/api/v1/surveys/evaluation", query).json()
    csat = next(c for c in body if c["metric"] == "csat")
    assert csat["n_before"] == 35 and csat["verdict"] == "significant"
    assert csat["did"] is None  # no other site to compare with
    bad = client.get("/api/v1/surveys/evaluation", {**query, "after_from": query["before_from"]})
    assert bad.status_code == 422
