"""No wrong door: transfers, parts, referrals, merges, breaches."""

from datetime import datetime, timedelta

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.cases.models import Case, CaseMessage, CaseStatus, MessageKind, ReferralBody
from civicdesk.cases.selectors import case_get, case_list, qsm_dashboard
from civicdesk.cases.services import (
    case_add_part,
    case_create,
    case_dismiss_duplicate,
    case_merge,
    case_refer,
    case_reply,
    case_transfer,
    cases_mark_breaches,
)
from civicdesk.cases.tests.conftest import HK, MONDAY_10
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.core.errors import Conflict, NotAllowed, NotFound
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def env_agency():
    return AgencyFactory(code="ENV", name="Environment Agency", email="env@example.org")


@pytest.fixture
def trees(env_agency):
    return CategoryFactory(agency=env_agency, code="tree", name="Fallen tree",
                           department=DepartmentFactory(agency=env_agency, code="TREE"))  # fmt: skip


def _case(agency, **kw):
    base = {"agency": agency, "kind": "complaint", "channel": "email", "contact_email": "res@example.org",
                "description": "A tree has fallen across the footpath at Lantern Bay Estate."}  # fmt: skip
    base.update(kw)
    return case_create(**base)


def test_transfer_keeps_reference_tells_citizen_and_both_qsms_see_it(
    monday, other_agency, trees, env_agency
):
    trn_officer = StaffFactory(agency=other_agency, role=Role.FRONTLINE,
                               departments=[DepartmentFactory(agency=other_agency)])  # fmt: skip
    trn_qsm = StaffFactory(agency=other_agency, role=Role.QSM)
    env_qsm = StaffFactory(agency=env_agency, role=Role.QSM)
    case = _case(other_agency)
    reference = case.reference
    assert reference.startswith("TRN-")
    # A TRN QSM transfers (the frontline officer has no department tie to an uncategorised case).
    case = case_transfer(case=case, actor=trn_qsm.user, to_agency=env_agency,
                         reason="Trees on estates are the Environment Agency's", category=trees)  # fmt: skip
    assert case.reference == reference and case.agency == env_agency
    assert case.department == trees.department and case.transfer_count == 1
    told = OutboxMessage.objects.filter(to="res@example.org").order_by("pk").last()
    assert reference in told.subject and "Environment Agency" in told.body
    assert case_get(user=env_qsm.user, reference=reference).pk == case.pk
    # The sender keeps read-only sight of it for history.
    assert case_get(user=trn_qsm.user, reference=reference).pk == case.pk
    with pytest.raises(NotFound):
        case_get(user=trn_officer.user, reference=reference)
    actions = set(AuditEntry.objects.values_list("action", "agency__code"))
    assert {("case.transfer", "TRN"), ("case.transfer_in", "ENV")} <= actions


def test_bounced_more_than_twice_is_on_qsm_list(monday, agency, other_agency, env_agency):
    qsms = {
        a.code: StaffFactory(agency=a, role=Role.QSM) for a in (agency, other_agency, env_agency)
    }
    case = _case(other_agency)
    for target in (agency, env_agency, other_agency):
        case = case_transfer(case=case, actor=qsms[case.agency.code].user, to_agency=target,
                             reason="Not ours")  # fmt: skip
    assert case.transfer_count == 3
    assert case in qsm_dashboard(user=qsms["TRN"].user)["bounced"]


def test_coordinating_case_has_parts_and_only_it_replies(monday, leak, officer, env_agency, trees):
    case = _case(leak.agency, category=leak)
    env_qsm = StaffFactory(agency=env_agency, role=Role.QSM)
    part = case_add_part(case=case, actor=officer.user, agency=env_agency, category=trees,
                         note="Tree roots damaged the drain")  # fmt: skip
    assert part.coordinating_case == case and part.reference.startswith("ENV-")
    assert OutboxMessage.objects.filter(related_id=str(part.pk)).count() == 0
    with pytest.raises(Conflict):
        case_reply(case=part, actor=env_qsm.user, body="Done")
    case_reply(case=case, actor=officer.user, body="Both agencies are on it.")


def test_referral_gives_contact_details_and_resolves(monday, leak, officer):
    body = ReferralBody.objects.create(name="Electricity Company", phone="2555 5555",
                                       website="https://power.example")  # fmt: skip
    case = _case(leak.agency, category=leak)
    case = case_refer(case=case, actor=officer.user, body=body)
    assert case.status == CaseStatus.RESOLVED
    sent = case.messages.filter(kind=MessageKind.TO_CITIZEN).last()
    assert "2555 5555" in sent.body and "Electricity Company" in sent.body


def test_merge_keeps_messages_and_tells_the_merged_citizen(monday, leak, qsm):
    first = _case(leak.agency, category=leak, contact_email="a@example.org")
    second = _case(leak.agency, category=leak, contact_email="b@example.org")
    before = CaseMessage.objects.count()
    told_a = OutboxMessage.objects.filter(to="a@example.org").count()
    target = case_merge(source=second, target=first, actor=qsm.user)
    second.refresh_from_db()
    assert second.merged_into == target and second.status == CaseStatus.CLOSED
    assert CaseMessage.objects.filter(case=second).count() == 0
    assert target.messages.filter(original_reference=second.reference).count() >= 2
    assert CaseMessage.objects.count() == before + 1  # one notice: the merged case's citizen
    # The kept case's citizen never had the merged case: nothing to tell them.
    assert OutboxMessage.objects.filter(to="a@example.org").count() == told_a
    notice = OutboxMessage.objects.filter(to="b@example.org").order_by("pk").last()
    assert first.reference in notice.subject
    # The footer agrees with the body: follow the case it joined.
    assert f"Your reference is {first.reference}." in notice.body
    assert f"reference={first.reference}" in notice.body
    assert second.reference not in notice.body.split("\n\n")[-1]
    assert AuditEntry.objects.filter(action="case.merge", actor=qsm.user).count() == 1


def test_a_duplicate_in_another_agency_is_transferred_then_merged(monday, leak, qsm, trees):
    """Across agencies the merge says how: hand the duplicate over, then merge it there."""
    from civicdesk.core.errors import ValidationFailed

    theirs = _case(trees.agency, category=trees, contact_email="b@example.org")
    ours = _case(leak.agency, category=leak, contact_email="a@example.org")
    env_qsm = StaffFactory(agency=trees.agency, role=Role.QSM)
    with pytest.raises(ValidationFailed) as refused:
        case_merge(source=theirs, target=ours, actor=qsm.user)
    message = str(refused.value)
    assert theirs.reference in message and leak.agency.name in message
    assert "transfer" in message and trees.agency.name not in message  # not told who holds it
    theirs.refresh_from_db()
    assert theirs.merged_into is None and theirs.is_open  # nothing changed
    moved = case_transfer(case=theirs, actor=env_qsm.user, to_agency=leak.agency,
                          reason="Same leak as the Housing case", category=leak)  # fmt: skip
    assert moved.reference == theirs.reference and moved.agency == leak.agency
    target = case_merge(source=moved, target=ours, actor=qsm.user)
    moved.refresh_from_db()
    assert moved.merged_into == target and moved.status == CaseStatus.CLOSED
    notice = OutboxMessage.objects.filter(to="b@example.org").order_by("pk").last()
    assert ours.reference in notice.subject


def test_breach_marked_once_and_escalated_to_qsm(monday, leak, qsm):
    qsm.user.email = "qsm@example.org"
    qsm.user.save()
    case = _case(leak.agency, category=leak)
    assert cases_mark_breaches() == 0
    monday.move_to(datetime(2026, 3, 3, 11, 0, tzinfo=HK))  # past the acknowledgement due
    assert cases_mark_breaches() == 1
    assert cases_mark_breaches() == 0
    case.refresh_from_db()
    assert case.breached_at is not None
    assert OutboxMessage.objects.filter(to="qsm@example.org").count() == 1
    assert case in qsm_dashboard(user=qsm.user)["breached"]
    assert case in case_list(user=qsm.user, due="breached")


def test_paused_case_does_not_breach(monday, leak, officer):
    case = _case(leak.agency, category=leak)
    case_reply(case=case, actor=officer.user, body="Which flat?", then_status="awaiting_citizen")
    monday.move_to(MONDAY_10 + timedelta(days=60))
    assert cases_mark_breaches() == 0


def test_queue_scoping_search_and_query_count(
    monday, leak, officer, agency, django_assert_max_num_queries
):
    other_dept = CategoryFactory(agency=agency)
    for i in range(5):
        _case(agency, category=leak, contact_email=f"x{i}@example.org", subject=f"Leak {i}")
    hidden = _case(agency, category=other_dept, contact_email="y@example.org", subject="Noise")
    mine = list(case_list(user=officer.user))
    assert len(mine) == 5 and hidden not in mine
    assert [c.subject for c in case_list(user=officer.user, query="leak 3")] == ["Leak 3"]
    ref = mine[0].reference
    assert [c.reference for c in case_list(user=officer.user, query=ref.lower())] == [ref]
    with django_assert_max_num_queries(3):
        rows = [
            (c.reference, c.category.name, c.department.name, c.assignee)
            for c in case_list(user=officer.user)
        ]
    assert len(rows) == 5
    assert Case.objects.count() == 6


def test_dashboard_query_count_does_not_grow_with_cases(
    monday, leak, qsm, django_assert_max_num_queries
):
    for i in range(8):
        _case(leak.agency, category=leak, contact_email="same@example.org", subject=f"Leak {i}")
    with django_assert_max_num_queries(6):
        board = qsm_dashboard(user=qsm.user)
        rows = [(c.reference, c.department.name, c.possible_duplicate_of.reference)
                for c in board["duplicates"]]  # fmt: skip
    assert len(rows) == 7


def test_uncategorised_case_is_in_every_officers_triage_pool(monday, leak, agency, other_agency):
    from civicdesk.cases.services import case_assign

    elsewhere = StaffFactory(agency=agency, role=Role.FRONTLINE,
                             departments=[DepartmentFactory(agency=agency)])  # fmt: skip
    outsider = StaffFactory(agency=other_agency, role=Role.FRONTLINE,
                            departments=[DepartmentFactory(agency=other_agency)])  # fmt: skip
    case = _case(agency, description="Something no keyword matches")
    assert case.department is None
    assert case in case_list(user=elsewhere.user)
    assert case not in case_list(user=outsider.user)
    case = case_assign(case=case, actor=elsewhere.user, category=leak, reason="It is a leak")
    assert case.department == leak.department
    assert case not in case_list(user=elsewhere.user)  # routed on: now the department's


def test_interim_reply_reminder_goes_to_the_officer_once(monday, leak, officer):
    from civicdesk.cases.services import cases_remind_interim

    officer.user.email = "officer@example.org"
    officer.user.save()
    case = _case(leak.agency, category=leak)
    assert case.assignee == officer and case.interim_due_at is not None
    assert cases_remind_interim() == 0
    monday.move_to(case.interim_due_at + timedelta(hours=1))
    assert cases_remind_interim() == 1
    assert cases_remind_interim() == 0
    assert (
        OutboxMessage.objects.filter(to="officer@example.org", subject__contains="interim").count()
        == 1
    )
    case_reply(case=case, actor=officer.user, body="Still working on it", interim=True)
    case.refresh_from_db()
    assert case.interim_replied_at is not None


def test_not_a_duplicate_removes_the_flag_with_reason_event_and_audit(monday, leak, officer):
    first = _case(leak.agency, category=leak, contact_email="same@example.org")
    second = _case(leak.agency, category=leak, contact_email="same@example.org",
                   description="The lift on floor 3 is broken again.")  # fmt: skip
    assert second.possible_duplicate_of == first
    case_dismiss_duplicate(case=second, actor=officer.user, reason="Lift, not a leak")
    second.refresh_from_db()
    assert second.possible_duplicate_of is None
    event = second.events.get(action="duplicate_dismissed")
    assert event.data == {"of": first.reference} and "Lift, not a leak" in event.text
    entry = AuditEntry.objects.get(action="case.duplicate_dismiss", actor=officer.user)
    assert entry.data["of"] == first.reference
    # Nothing to dismiss any more: a clear conflict, nothing changed.
    with pytest.raises(Conflict):
        case_dismiss_duplicate(case=second, actor=officer.user)
    assert second.events.filter(action="duplicate_dismissed").count() == 1


def test_not_a_duplicate_needs_write_access(monday, leak, other_agency):
    first = _case(leak.agency, category=leak, contact_email="same@example.org")
    second = _case(leak.agency, category=leak, contact_email="same@example.org")
    stranger = StaffFactory(agency=other_agency, role=Role.QSM)
    with pytest.raises(NotAllowed):
        case_dismiss_duplicate(case=second, actor=stranger.user)
    second.refresh_from_db()
    assert second.possible_duplicate_of == first
