"""The audit page shows a reply as the words it began with (not "Message: 679") and a routing
confidence as the percentage the case page shows (93%, not 0.9316)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from civicdesk.audit.details import audit_details
from civicdesk.audit.models import AuditEntry
from civicdesk.audit.services import audit_record
from civicdesk.cases.services import case_citizen_add, case_create, case_reply
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lift(agency):
    department = DepartmentFactory(agency=agency, code="MAINT", name="Estate Maintenance")
    return CategoryFactory(agency=agency, code="lift", name="Lift", department=department)


@pytest.fixture
def qsm(agency):
    return StaffFactory(agency=agency, role=Role.QSM, display_name="Ms Quality")


@pytest.fixture
def replied(agency, lift, qsm):
    case = case_create(agency=agency, kind="complaint", channel="web", category=lift,
                       description="The lift in Block C is broken.", contact_email="a@x.org")  # fmt: skip
    message = case_reply(case=case, actor=qsm.user, body="Dear Mr Chan,\n\nAn engineer will "
                         "repair the lift in Block C on Tuesday morning before ten o'clock. "
                         "We are sorry for the trouble.")  # fmt: skip
    return case, message


def _details(action: str) -> dict:
    (entry,) = audit_details(AuditEntry.objects.filter(action=action))
    return dict(entry.details)


def test_a_reply_is_shown_by_its_first_words(replied):
    _case, message = replied
    details = _details("case.reply")
    shown = details["Reply to the citizen"]
    assert shown.startswith("“Dear Mr Chan, An engineer will repair the lift")
    assert shown.endswith("…”") and "sorry" not in shown
    assert str(message.pk) not in details.values()


def test_a_citizens_message_is_shown_by_its_first_words(replied):
    case, _message = replied
    case_citizen_add(case=case, body="Thank you, Tuesday suits me.", channel="web")
    assert _details("case.citizen_add")["Message from the citizen"] == (
        "“Thank you, Tuesday suits me.”"
    )


def test_the_page_shows_the_words_escaped(client, replied, qsm):
    case, _message = replied
    case_reply(case=case, actor=qsm.user, body="<b>Fixed</b> today")
    client.force_login(qsm.user)
    html = client.get("/staff/audit/").content.decode()
    assert "Reply to the citizen: “&lt;b&gt;Fixed&lt;/b&gt; today”" in html
    assert "Message: " not in html


def test_the_first_words_of_a_page_of_replies_take_one_query(replied, qsm):
    case, _message = replied
    for n in range(5):
        case_reply(case=case, actor=qsm.user, body=f"Update number {n}")
    entries = list(AuditEntry.objects.filter(action="case.reply"))
    with CaptureQueriesContext(connection) as queries:
        audit_details(entries)
    assert len(queries) == 1


def test_routing_confidence_is_a_percentage_as_on_the_case_page(agency, qsm):
    audit_record(actor=None, action="case.auto_route", target=agency,
                 data={"reference": "HSG-2026-000001", "department": "MAINT",
                       "confidence": 0.9316, "threshold": 0.85, "version": 3})  # fmt: skip
    details = _details("case.auto_route")
    assert details["Confidence"] == "93%"
    assert details["Threshold"] == "85%"
    assert details["Version"] == "3"


def test_labels_are_translated(replied):
    with override("zh-hant"):
        (entry,) = audit_details(AuditEntry.objects.filter(action="case.reply"))
    labels = [label for label, _text in entry.details]
    assert "Reply to the citizen" not in labels


def test_a_team_moved_is_named_in_the_readers_language(agency, qsm):
    before = DepartmentFactory(agency=agency, code="MAINT", name="Estate Maintenance",
                               names={"zh-hant": "屋邨維修組"})  # fmt: skip
    after = DepartmentFactory(agency=agency, code="LIFT", name="Lifts",
                              names={"zh-hant": "升降機組"})  # fmt: skip
    audit_record(actor=qsm.user, action="case.assign", agency=agency,
                 data={"before": {"department": before.pk}, "after": {"department": after.pk}})  # fmt: skip
    with override("zh-hant"):
        (entry,) = audit_details(AuditEntry.objects.filter(action="case.assign"))
        shown = dict(entry.details)
    assert "屋邨維修組" in shown.values() and "升降機組" in shown.values()
