"""Journey 7 in a browser, as the tester walked it: the team lead (no two-factor step) opens his
site's staffing advice, follows its link to the moves between sites and accepts one into his
site; the roster changes and the page stays axe clean."""

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.insights.models import PlannedStaffing
from civicdesk.insights.tests.factories import WEEK, rent_office, roster_short_here_spare_there
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_team_lead_accepts_a_move_into_his_site(page, axe, agency):
    north, south = rent_office(agency, "North Office"), rent_office(agency, "South Office")
    day = roster_short_here_spare_there(north, south)
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD, sites=[north])
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill(lead.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto(f"/staff/insights/?week={WEEK}")
    page.get_by_role("link", name="North Office").click()
    assert "Short by" in page.inner_text("#roster")
    page.get_by_role("link", name="Moves of staff between sites for this week").click()
    moves = page.locator("#moves")
    assert "South Office" in moves.inner_text() and "North Office" in moves.inner_text()
    assert page.get_by_test_id("who-accepts").count() == 0
    assert axe(page) == []
    with page.expect_navigation():
        moves.get_by_role("button", name="Accept").first.click()
    assert "Roster changed" in page.inner_text("main")
    assert axe(page) == []
    assert all(p.staff > 0 for p in PlannedStaffing.objects.filter(site=north, starts_at__date=day))
    assert AuditEntry.objects.filter(action="insights.redeploy_accepted", actor=lead.user).exists()
