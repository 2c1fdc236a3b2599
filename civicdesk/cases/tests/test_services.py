"""case_create and the lifecycle, through the real services."""

from datetime import datetime, timedelta

import pytest
import time_machine

from civicdesk.audit.models import AuditEntry
from civicdesk.cases.models import Case, CaseEvent, CaseStatus, MessageKind, OfficerAbsence
from civicdesk.cases.services import (
    AttachmentIn,
    case_assign,
    case_citizen_add,
    case_create,
    case_reply,
    case_set_status,
)
from civicdesk.cases.tests.conftest import HK, MONDAY_10
from civicdesk.cases.tests.factories import JPEG, CategoryFactory, ServiceStandardFactory
from civicdesk.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _create(agency, category=None, **kwargs):
    defaults = {
        "agency": agency,
        "kind": "complaint",
        "channel": "web",
        "description": "天花板漏水，請派人維修。",
        "category": category,
        "language": "zh-hant",
        "contact_email": "chan@example.org",
    }
    defaults.update(kwargs)
    return case_create(**defaults)


def test_create_gives_reference_due_times_event_audit_and_acknowledgement(monday, leak, officer):
    case = _create(leak.agency, leak, attachments=[AttachmentIn("ceiling.jpg", JPEG)])
    assert case.reference == "HSG-2026-000001"
    assert case.status == CaseStatus.NEW
    assert case.department == leak.department and case.assignee == officer
    # 8 working hours from Monday 10:00 (09:00-17:00): Tuesday 10:00.
    assert case.acknowledge_due_at == datetime(2026, 3, 3, 10, 0, tzinfo=HK)
    # 10 working days after Monday: Monday 16 March at close of business.
    assert case.reply_due_at == datetime(2026, 3, 16, 17, 0, tzinfo=HK)
    assert case.interim_due_at == datetime(2026, 3, 9, 17, 0, tzinfo=HK)
    assert case.attachments.get().content_type == "image/jpeg"
    assert CaseEvent.objects.filter(case=case, action="created").count() == 1
    assert AuditEntry.objects.filter(action="case.create", object_id=str(case.pk)).count() == 1
    ack = OutboxMessage.objects.get(to="chan@example.org")
    assert "HSG-2026-000001" in ack.subject and "HSG-2026-000001" in ack.body
    assert case.messages.filter(kind=MessageKind.TO_CITIZEN).count() == 1
    assert _create(leak.agency, leak).reference == "HSG-2026-000002"


def test_idempotency_key_gives_one_case(monday, leak):
    first = _create(leak.agency, leak, idempotency_key="k-1")
    second = _create(leak.agency, leak, idempotency_key="k-1")
    assert first.created and not second.created
    assert first.pk == second.pk and Case.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "rant"}, "kind"),
        ({"description": "   "}, "description"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"latitude": 22.3}, "location"),
        ({"attachments": [AttachmentIn("virus.exe", b"MZ")]}, "attachment_type"),
        ({"attachments": [AttachmentIn("fake.jpg", b"not a jpeg")]}, "attachment_type"),
        (
            {"attachments": [AttachmentIn("big.jpg", JPEG + b"0" * (11 * 1024 * 1024))]},
            "attachment_size",
        ),
    ],
)
def test_bad_input_leaves_no_case(monday, leak, kwargs, code):
    with pytest.raises(ValidationFailed) as error:
        _create(leak.agency, leak, **kwargs)
    assert error.value.code == code
    assert Case.objects.count() == 0 and OutboxMessage.objects.count() == 0
    # The number was not used up: the next case still gets 000001.
    assert _create(leak.agency, leak).reference.endswith("-000001")


def test_category_of_another_agency_is_refused(monday, leak, other_agency):
    with pytest.raises(ValidationFailed):
        _create(other_agency, leak)


def test_clock_pauses_while_awaiting_citizen_and_due_moves_by_paused_time(monday, leak, officer):
    case = _create(leak.agency, leak)
    due = case.reply_due_at
    monday.move_to(datetime(2026, 3, 3, 10, 0, tzinfo=HK))  # Tuesday 10:00
    case_reply(
        case=case, actor=officer.user, body="請提供單位號碼。", then_status="awaiting_citizen"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CITIZEN and case.paused_at is not None
    monday.move_to(datetime(2026, 3, 4, 14, 0, tzinfo=HK))  # Wednesday 14:00: 12 working hours
    case_citizen_add(case=case, body="單位號碼是 12 樓 A 室。")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.paused_at is None
    assert case.paused_seconds == 12 * 3600
    # Due was Monday 16 March 17:00; 12 working hours are 1.5 working days, which round to 2:
    # the close of Wednesday 18 March (day-based standards move by whole working days).
    assert case.reply_due_at == datetime(2026, 3, 18, 17, 0, tzinfo=HK)
    assert case.reply_due_at > due


def test_complete_information_rule_restarts_clock_from_zero(monday, agency, maintenance, officer):
    standard = ServiceStandardFactory(agency=agency, clock_start="complete_information")
    category = CategoryFactory(agency=agency, department=maintenance, standard=standard)
    case = _create(agency, category)
    case_set_status(case=case, actor=officer.user, status="awaiting_citizen")
    monday.move_to(datetime(2026, 3, 5, 10, 0, tzinfo=HK))  # Thursday
    case_citizen_add(case=case, body="More detail")
    case.refresh_from_db()
    assert case.clock_started_at == datetime(2026, 3, 5, 10, 0, tzinfo=HK)
    assert case.reply_due_at == datetime(2026, 3, 19, 17, 0, tzinfo=HK)


def test_workflow_refuses_illegal_moves_and_reopen_after_window(monday, leak, officer):
    case = _create(leak.agency, leak)
    case_set_status(case=case, actor=officer.user, status="resolved")
    case_set_status(case=case, actor=officer.user, status="closed")
    with pytest.raises(IllegalTransition):
        case_set_status(case=case, actor=officer.user, status="awaiting_citizen")
    monday.move_to(MONDAY_10 + timedelta(days=40))
    with pytest.raises(Exception, match="cannot be reopened"):
        case_set_status(case=case, actor=officer.user, status="in_progress")


def test_reopen_within_window(monday, leak, officer):
    case = _create(leak.agency, leak)
    case_set_status(case=case, actor=officer.user, status="resolved")
    monday.move_to(MONDAY_10 + timedelta(days=3))
    case = case_set_status(case=case, actor=officer.user, status="in_progress", note="Leak is back")
    assert case.status == "in_progress" and case.resolved_at is None


def test_officer_of_another_department_cannot_touch_case(monday, leak, agency):
    stranger = StaffFactory(agency=agency, role=Role.FRONTLINE,
                            departments=[DepartmentFactory(agency=agency)])  # fmt: skip
    case = _create(leak.agency, leak)
    with pytest.raises(NotAllowed):
        case_set_status(case=case, actor=stranger.user, status="acknowledged")
    assert AuditEntry.objects.filter(action="case.status").count() == 0


def test_assignment_weighted_by_workload_and_skips_absent(monday, leak, maintenance, agency):
    a = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[maintenance])
    b = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[maintenance])
    c = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[maintenance])
    OfficerAbsence.objects.create(staff=c, starts_on=MONDAY_10.date(), ends_on=MONDAY_10.date())
    given = [_create(agency, leak, contact_email=f"p{i}@example.org").assignee for i in range(4)]
    assert c not in given
    assert sorted(g.pk for g in given) == sorted([a.pk, a.pk, b.pk, b.pk])
    with time_machine.travel(MONDAY_10 + timedelta(days=1), tick=False):
        assert _create(agency, leak, contact_email="x@example.org").assignee == c


def test_manual_reassign_is_audited(monday, leak, officer, qsm, maintenance, agency):
    other = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[maintenance])
    case = _create(agency, leak)
    case_assign(case=case, actor=qsm.user, assignee=other, reason="Officer on site")
    case.refresh_from_db()
    assert case.assignee == other
    assert AuditEntry.objects.filter(action="case.assign", actor=qsm.user).count() == 1


def test_possible_duplicate_flagged_by_contact_and_by_location_text(monday, leak):
    first = _create(leak.agency, leak, latitude=22.28, longitude=114.16,
                    description="Water leaking from the ceiling of the lift lobby")  # fmt: skip
    same_contact = _create(leak.agency, leak)
    assert same_contact.possible_duplicate_of == first
    nearby = _create(leak.agency, leak, contact_email="other@example.org", latitude=22.2805,
                     longitude=114.1601,
                     description="Water is leaking from the ceiling in the lift lobby")  # fmt: skip
    assert nearby.possible_duplicate_of == first
    far = _create(leak.agency, leak, contact_email="far@example.org", latitude=22.40,
                  longitude=114.16, description="Water leaking from ceiling in lobby")  # fmt: skip
    assert far.possible_duplicate_of is None


def test_uncategorised_case_is_routed_by_keyword_rules(monday, agency, maintenance, officer):
    leak = CategoryFactory(agency=agency, department=maintenance, keywords="leak\n漏水\nceiling")
    CategoryFactory(agency=agency, keywords="rent\npayment")
    case = _create(agency, None, description="There is a leak in the ceiling")
    assert case.category == leak and case.department == maintenance and case.assignee == officer
    assert _create(agency, None, description="Something unrelated").category is None


def test_reopened_case_gets_a_fresh_reply_clock(monday, leak, officer):
    case = _create(leak.agency, leak)
    case_set_status(case=case, actor=officer.user, status="resolved")
    monday.move_to(datetime(2026, 3, 20, 10, 0, tzinfo=HK))  # after the first reply due date
    case = case_set_status(case=case, actor=officer.user, status="in_progress")
    assert case.replied_at is None and case.breached_at is None
    assert case.reply_due_at == datetime(2026, 4, 3, 17, 0, tzinfo=HK)
