"""Merging never strands a citizen or a coordinated complaint: a case is not merged into a
linked part (a part never replies to the citizen), and a coordinating case with parts is not
merged away from them (merge the other case into it)."""

import pytest

from civicdesk.cases.models import CaseStatus
from civicdesk.cases.services import case_add_part, case_create, case_merge
from civicdesk.core.errors import Conflict
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _case(leak, text, email):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=text, contact_email=email)  # fmt: skip


@pytest.fixture
def coordinated(monday, leak, qsm):
    env = AgencyFactory(code="ENV", name="Environment Agency")
    case = _case(leak, "Drain smell and a leak", "a@example.org")
    part = case_add_part(case=case, actor=qsm.user, agency=env)
    return case, part, env


def test_nothing_is_merged_into_a_part(coordinated, leak):
    _coordinating, part, env = coordinated
    env_qsm = StaffFactory(agency=env, role=Role.QSM)
    other = case_create(agency=env, kind="complaint", channel="web",
                        description="Drain smell", contact_email="b@example.org")  # fmt: skip
    with pytest.raises(Conflict):
        case_merge(source=other, target=part, actor=env_qsm.user)
    other.refresh_from_db()
    assert other.merged_into_id is None and other.status != CaseStatus.CLOSED


def test_a_coordinating_case_is_not_merged_away_from_its_parts(coordinated, leak, qsm):
    case, _part, _env = coordinated
    other = _case(leak, "Drain smell and a leak too", "c@example.org")
    with pytest.raises(Conflict):
        case_merge(source=case, target=other, actor=qsm.user)
    case.refresh_from_db()
    assert case.merged_into_id is None and case.is_open
    # The other way round is fine: the coordinating case stays, with its parts.
    case_merge(source=other, target=case, actor=qsm.user)
    other.refresh_from_db()
    assert other.merged_into_id == case.pk
