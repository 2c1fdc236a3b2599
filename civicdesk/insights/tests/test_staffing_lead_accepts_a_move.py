"""Journey 7: "accepts a redeployment from another site". The manager of the week is a team
lead: the redeployment page gave him 403, no page linked to it, and only agency admins (with
TOTP) could accept. A team lead accepts a move into a site of his, from the page his site's
staffing page links to; QSM and executive stay read-only and are told who accepts."""

import re

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.insights.models import PlannedStaffing
from civicdesk.insights.tests.factories import WEEK
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _redeploy(agency) -> str:
    return f"/staff/insights/agencies/{agency.pk}/redeploy/?week={WEEK}"


def _form(html: str):
    found = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', html, re.S)
    return found and (
        found.group(1),
        dict(re.findall(r'name="(\w+)" value="([^"]*)"', found.group(2))),
    )


def test_the_lead_of_the_receiving_site_reaches_the_move_and_accepts_it(client, agency, offices):
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD, sites=[offices["north"]])
    client.force_login(lead.user)
    site_page = client.get(f"/staff/insights/sites/{offices['north'].pk}/?week={WEEK}").text
    link = re.search(r'data-testid="redeploy-link" href="([^"]+)"', site_page).group(1)
    assert link == _redeploy(agency).replace("&", "&amp;")
    page = client.get(_redeploy(agency))
    assert page.status_code == 200
    action, fields = _form(page.text)
    assert 'data-testid="who-accepts"' not in page.text
    before = sum(p.staff for p in PlannedStaffing.objects.filter(site=offices["north"]))
    done = client.post(action, fields, follow=True)
    assert "Roster changed" in done.text
    after = sum(p.staff for p in PlannedStaffing.objects.filter(site=offices["north"]))
    assert after > before
    entry = AuditEntry.objects.get(action="insights.redeploy_accepted")
    assert entry.actor_id == lead.user.pk


def test_the_lead_of_the_sending_site_sees_the_move_but_may_not_accept_it(client, agency, offices):
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD, sites=[offices["south"]])
    client.force_login(lead.user)
    page = client.get(_redeploy(agency)).text
    assert "North Office" in page and _form(page) is None
    assert 'data-testid="who-accepts"' in page
    assert "The team lead of the receiving site or an agency admin accepts" in page
    north_lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD, sites=[offices["north"]])
    client.force_login(north_lead.user)
    _action, admin_like_fields = _form(client.get(_redeploy(agency)).text)
    client.force_login(lead.user)
    refused = client.post(
        f"/staff/insights/agencies/{agency.pk}/redeploy/accept/", admin_like_fields
    )
    assert refused.status_code == 403
    assert not AuditEntry.objects.filter(action="insights.redeploy_accepted").exists()


@pytest.mark.parametrize("role", [Role.QSM, Role.EXECUTIVE])
def test_quality_managers_and_executives_read_and_are_told_who_accepts(
    client, agency, offices, role
):
    north_lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD, sites=[offices["north"]])
    client.force_login(north_lead.user)
    _action, fields = _form(client.get(_redeploy(agency)).text)
    client.force_login(StaffFactory(agency=agency, role=role).user)
    page = client.get(_redeploy(agency)).text
    assert _form(page) is None
    assert "by the team lead of the site that receives the staff, or by an agency admin" in page
    refused = client.post(f"/staff/insights/agencies/{agency.pk}/redeploy/accept/", fields)
    assert refused.status_code == 403


def test_a_lead_without_a_site_in_the_agency_gets_nothing(client, agency, other_agency, offices):
    from civicdesk.insights.tests.factories import rent_office

    far = rent_office(other_agency, "Far Office", advice=False)
    stranger = StaffFactory(agency=other_agency, role=Role.TEAM_LEAD, sites=[far])
    client.force_login(stranger.user)
    assert client.get(_redeploy(agency)).status_code == 403
