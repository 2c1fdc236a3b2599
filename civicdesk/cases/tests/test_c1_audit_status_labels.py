"""The audit page shows a case's status as staff read it ("Resolved", in the reader's
language), never its code ("resolved"): a reply's new status, a status change's from and to,
an Open311 client's update."""

import pytest
from django.utils.translation import gettext, override

from civicdesk.audit.details import audit_details
from civicdesk.audit.models import AuditEntry
from civicdesk.audit.services import audit_record
from civicdesk.cases.services import case_create, case_reply, case_set_status, case_transfer
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def qsm(agency):
    return StaffFactory(agency=agency, role=Role.QSM, display_name="Ms Quality")


@pytest.fixture
def case(agency):
    department = DepartmentFactory(agency=agency, code="MAINT", name="Estate Maintenance")
    lift = CategoryFactory(agency=agency, code="lift", name="Lift", department=department)
    return case_create(agency=agency, kind="complaint", channel="web", category=lift,
                       description="The lift in Block C is broken.", contact_email="a@x.org")  # fmt: skip


def _details(action: str) -> list[dict]:
    return [dict(e.details) for e in audit_details(AuditEntry.objects.filter(action=action))]


def test_a_replys_new_status_is_its_label(case, qsm):
    case_reply(case=case, actor=qsm.user, body="We have fixed the lift.", then_status="resolved")
    (details,) = _details("case.reply")
    assert details["Status"] == "Resolved"
    with override("zh-hant"):
        (details,) = _details("case.reply")
        assert details[gettext("Status")] == gettext("Resolved") == "已解決"


def test_a_status_change_shows_both_labels_as_staff_read_them(case, qsm):
    case_set_status(case=case, actor=qsm.user, status="acknowledged")
    case_reply(case=case, actor=qsm.user, body="Which day suits you?",
               then_status="awaiting_citizen")  # fmt: skip
    first, *_rest = _details("case.status")
    assert (first["From"], first["To"]) == ("New", "Acknowledged")
    (reply,) = _details("case.reply")
    assert reply["Status"] == "Waiting for the citizen"  # the staff side's words


def test_the_page_shows_the_label(client, case, qsm):
    case_reply(case=case, actor=qsm.user, body="We have fixed the lift.", then_status="resolved")
    client.force_login(qsm.user)
    html = client.get("/staff/audit/").content.decode()
    assert "Reply to the citizen: “We have fixed the lift.”" in html
    assert "Status: Resolved" in html and "Status: resolved" not in html


def test_an_open311_update_shows_the_label(agency):
    audit_record(actor=None, action="open311.update", target=agency,
                 data={"client": "city app", "status": "in_progress", "update": "u1"})  # fmt: skip
    (details,) = _details("open311.update")
    assert details["Status"] == "In progress"


def test_other_from_and_to_stay_as_stored(case, qsm, other_agency):
    case_transfer(case=case, actor=qsm.user, to_agency=other_agency, reason="Theirs")
    (details,) = _details("case.transfer")
    assert (details["From"], details["To"]) == (case.agency.code, other_agency.code)
    audit_record(actor=None, action="case.status", target=case, data={"to": "nonsense"})
    assert _details("case.status")[-1]["To"] == "nonsense"  # an unknown code as it was written
