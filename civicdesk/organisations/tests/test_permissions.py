"""The permission matrix: every role x own/other agency x read/write, for every area.

Each cell is written out here by hand, so a change to the grants must change this table too.
Four characters per area: own-agency read, own-agency write, other-agency read, other-agency
write. "Y" allowed, "-" refused. "Own agency" means a record in the user's own department and
site (and about the user, for OWN-scoped areas), so unit-scoped roles are allowed there.
"""

import pytest

from civicdesk.core.errors import NotAllowed
from civicdesk.organisations.models import Department
from civicdesk.organisations.permissions import (
    Access,
    Area,
    Target,
    can,
    require,
    scope_queryset,
    visible_areas,
)
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import (
    AgencyFactory,
    DepartmentFactory,
    SiteFactory,
    StaffFactory,
    UserFactory,
)

AREAS = [
    "organisation",
    "staff",
    "cases",
    "queues",
    "surveys",
    "pledges",
    "insights",
    "performance",
    "workforce",
    "training",
    "audit",
]
MATRIX = {
    #                organ.  staff   cases   queues  surveys pledges insight perform workf.  train.  audit
    Role.FRONTLINE: "Y--- ---- YY-- YY-- ---- Y--- ---- Y--- YY-- Y--- ----",
    Role.TEAM_LEAD: "Y--- Y--- YY-- YY-- Y--- Y--- YY-- Y--- YY-- Y--- ----",
    Role.QSM: "Y--- Y--- YY-- Y--- YY-- YY-- Y--- Y--- Y--- Y--- Y---",
    Role.AGENCY_ADMIN: "YY-- YY-- YY-- YY-- YY-- YY-- YY-- Y--- YY-- YY-- Y---",
    Role.TRAINER: "Y--- Y--- ---- ---- ---- Y--- ---- ---- Y--- YY-- ----",
    Role.EXECUTIVE: "Y--- Y--- Y--- Y--- Y--- Y--- Y--- Y--- Y--- Y--- Y---",
    Role.SYSTEM_ADMIN: "YYYY YYYY YYYY YYYY YYYY YYYY YYYY YYYY YYYY YYYY YYYY",
}


@pytest.fixture
def world(db):
    own, other = AgencyFactory(code="OWN"), AgencyFactory(code="OTH")
    return {
        "own": own,
        "other": other,
        "own_dept": DepartmentFactory(agency=own),
        "own_site": SiteFactory(agency=own),
        "own_dept_2": DepartmentFactory(agency=own),
        "own_site_2": SiteFactory(agency=own),
        "other_dept": DepartmentFactory(agency=other),
        "other_site": SiteFactory(agency=other),
        "other_staff": StaffFactory(agency=other),
    }


def make_staff(world, role):
    return StaffFactory(
        role=role,
        agency=None if role is Role.SYSTEM_ADMIN else world["own"],
        departments=[world["own_dept"]],
        sites=[world["own_site"]],
    )


CELLS = [(role, area, col) for role in MATRIX for area in AREAS for col in range(4)]


@pytest.mark.parametrize(
    ("role", "area", "col"),
    CELLS,
    ids=[f"{r.value}-{a}-{['own_r', 'own_w', 'oth_r', 'oth_w'][c]}" for r, a, c in CELLS],
)
def test_matrix_cell(world, role, area, col):
    profile = make_staff(world, role)
    expected = MATRIX[role].split()[AREAS.index(area)][col] == "Y"
    access = Access.READ if col in (0, 2) else Access.WRITE
    if col < 2:
        target = Target(
            agency_id=world["own"].id,
            department_id=world["own_dept"].id,
            site_id=world["own_site"].id,
            staff_id=profile.id,
        )
    else:
        target = Target(
            agency_id=world["other"].id,
            department_id=world["other_dept"].id,
            site_id=world["other_site"].id,
            staff_id=world["other_staff"].id,
        )
    assert can(profile.user, Area(area), access, target) is expected


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.TEAM_LEAD])
def test_unit_roles_do_not_reach_other_units_of_their_agency(world, role):
    user = make_staff(world, role).user
    elsewhere = Target(
        agency_id=world["own"].id,
        department_id=world["own_dept_2"].id,
        site_id=world["own_site_2"].id,
    )
    assert not can(user, Area.CASES, Access.READ, elsewhere)
    with pytest.raises(NotAllowed):
        require(user, Area.CASES, Access.WRITE, elsewhere)


def test_own_scope_is_about_the_user_only(world):
    user = make_staff(world, Role.FRONTLINE).user
    colleague = StaffFactory(agency=world["own"], departments=[world["own_dept"]])
    mine = Target(agency_id=world["own"].id, staff_id=user.staff_profile.id)
    theirs = Target(agency_id=world["own"].id, staff_id=colleague.id)
    assert can(user, Area.PERFORMANCE, Access.READ, mine)
    assert not can(user, Area.PERFORMANCE, Access.READ, theirs)


def test_agency_scope_needs_the_target_agency(world):
    user = make_staff(world, Role.QSM).user
    assert not can(user, Area.CASES, Access.READ, Target())


def test_scope_queryset_filters_rows(world):
    departments = Department.objects.all()
    frontline = make_staff(world, Role.FRONTLINE).user
    qsm = make_staff(world, Role.QSM).user
    sysadmin = make_staff(world, Role.SYSTEM_ADMIN).user
    trainer = make_staff(world, Role.TRAINER).user

    def visible(user):
        return set(
            scope_queryset(user, Area.CASES, Access.READ, departments, department_field="pk")
        )

    assert visible(frontline) == {world["own_dept"]}
    assert visible(qsm) == {world["own_dept"], world["own_dept_2"]}
    assert visible(sysadmin) == set(departments)
    assert visible(trainer) == set()


@pytest.mark.django_db
def test_users_without_a_profile_or_inactive_get_nothing(world):
    stranger = UserFactory()
    assert not can(stranger, Area.ORGANISATION, Access.READ)
    assert visible_areas(stranger) == []
    profile = make_staff(world, Role.QSM)
    profile.user.is_active = False
    assert not can(profile.user, Area.CASES, Access.READ, Target(agency_id=world["own"].id))


def test_visible_areas_drive_the_staff_home(world):
    trainer = make_staff(world, Role.TRAINER).user
    assert [a.value for a, _r, _w in visible_areas(trainer)] == [
        "organisation",
        "staff",
        "pledges",
        "workforce",
        "training",
    ]
