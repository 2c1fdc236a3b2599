"""The quality dashboard refuses other roles with the "not allowed" page, saying who may see it
(not a bare 404): a team lead is pointed to her teams' cases in the case list."""

import pytest

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
URL = "/cases/staff/dashboard/"


def test_team_lead_is_told_who_sees_it_and_where_her_teams_cases_are(client, agency, maintenance):
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD, departments=[maintenance])
    client.force_login(lead.user)
    response = client.get(URL)
    assert response.status_code == 403
    page = response.content.decode()
    assert "quality service managers, agency admins and executives" in page
    assert "filter the case list by service standard" in page


def test_role_without_cases_is_told_who_sees_it(client, agency):
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    client.force_login(trainer.user)
    response = client.get(URL)
    assert response.status_code == 403
    page = response.content.decode()
    assert "quality service managers, agency admins and executives" in page
    assert "case list" not in page


def test_qsm_still_sees_it(client, qsm):
    client.force_login(qsm.user)
    assert client.get(URL).status_code == 200
