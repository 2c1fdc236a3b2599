"""Who manages whom, per role, in the matrix style of the permission tests."""

import pytest

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import (
    AgencyFactory,
    DepartmentFactory,
    SiteFactory,
    StaffFactory,
)
from civicdesk.workforce.team import manages, staff_group_of, team_members

pytestmark = pytest.mark.django_db

# actor role -> (direct report, same site, same department, elsewhere in agency, other agency)
# A direct report (StaffProfile.supervisor) is managed whatever the manager's role.
EXPECTED = {
    Role.FRONTLINE: (True, False, False, False, False),
    Role.TEAM_LEAD: (True, True, True, False, False),
    Role.QSM: (True, False, False, False, False),
    Role.AGENCY_ADMIN: (True, True, True, True, False),
    Role.TRAINER: (True, False, False, False, False),
    Role.EXECUTIVE: (True, False, False, False, False),
    Role.SYSTEM_ADMIN: (True, True, True, True, True),
}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_manages_matrix(agency, role):
    site, department = SiteFactory(agency=agency), DepartmentFactory(agency=agency)
    actor = StaffFactory(
        agency=None if role is Role.SYSTEM_ADMIN else agency,
        role=role,
        sites=[] if role is Role.SYSTEM_ADMIN else [site],
        departments=[] if role is Role.SYSTEM_ADMIN else [department],
    )
    direct = StaffFactory(agency=agency, supervisor=actor, sites=[SiteFactory(agency=agency)])
    same_site = StaffFactory(agency=agency, sites=[site])
    same_department = StaffFactory(agency=agency, departments=[department])
    elsewhere = StaffFactory(agency=agency, sites=[SiteFactory(agency=agency)])
    other_agency = StaffFactory(agency=AgencyFactory(code="TRN"))
    subjects = (direct, same_site, same_department, elsewhere, other_agency)
    assert tuple(manages(actor.user, s) for s in subjects) == EXPECTED[role]
    assert manages(actor.user, actor) is False
    if role is not Role.SYSTEM_ADMIN:
        listed = set(team_members(actor.user))
        assert listed == {s for s, yes in zip(subjects, EXPECTED[role], strict=True) if yes}


def test_staff_group_defaults_from_role_until_set(agency):
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD)
    officer = StaffFactory(agency=agency, role=Role.FRONTLINE)
    assert (staff_group_of(lead), staff_group_of(officer)) == ("leader", "frontline")
