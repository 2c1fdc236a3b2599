"""In a real browser: the audit log with an entry's details, filtered by a merged case; axe-clean."""

import pytest

from civicdesk.cases.services import case_assign, case_create, case_merge
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, DepartmentFactory, StaffFactory
from civicdesk.organisations.tests.pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_audit_log_shows_details_and_finds_the_merged_case(page, axe):
    agency = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    lift = CategoryFactory(agency=agency, code="lift", department=DepartmentFactory(agency=agency))
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    cases = [
        case_create(agency=agency, kind="complaint", channel="web", category=lift,
                    description="The lift in Block C is broken.", contact_email=f"{n}@example.org")
        for n in ("a", "b")
    ]  # fmt: skip
    # Joins after intake, so the reassignment to her changes the officer.
    officer = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[lift.department],
                           display_name="Wong Siu Ming")  # fmt: skip
    case_assign(case=cases[0], actor=qsm.user, assignee=officer, reason="Knows the estate")
    case_merge(source=cases[1], target=cases[0], actor=qsm.user)
    sign_in(page, qsm)
    page.goto("/staff/audit/")
    table = page.locator("table").inner_text()
    assert f"Merged case: {cases[1].reference}" in table
    assert "Reason: Knows the estate" in table
    assert axe(page) == []
    page.get_by_label("Which record").fill(cases[1].reference)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    table = page.locator("table").inner_text()
    assert "case.merge" in table and "case.assign" not in table
    assert axe(page) == []
