"""The audit page shows what each entry stored, and finds a merged case by its own reference."""

import pytest
from django.utils.translation import override

from civicdesk.audit.details import audit_details
from civicdesk.audit.models import AuditEntry
from civicdesk.audit.services import audit_record
from civicdesk.cases.services import case_assign, case_create, case_merge
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


def _case(lift, email):
    return case_create(agency=lift.agency, kind="complaint", channel="web", category=lift,
                       description="The lift in Block C is broken.", contact_email=email)  # fmt: skip


def test_merge_and_reassignment_details_are_shown_with_names(client, agency, lift, qsm):
    kept, duplicate = _case(lift, "a@example.org"), _case(lift, "b@example.org")
    first = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[lift.department],
                         display_name="Chan Tai Man")  # fmt: skip
    second = StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[lift.department],
                          display_name="Wong Siu Ming")  # fmt: skip
    case_assign(case=kept, actor=qsm.user, assignee=first)
    case_assign(case=kept, actor=qsm.user, assignee=second, reason="Chan is on leave <today>")
    case_merge(source=duplicate, target=kept, actor=qsm.user)
    client.force_login(qsm.user)
    html = client.get("/staff/audit/").content.decode()
    assert f"Merged case: {duplicate.reference}" in html
    assert f"Merged into: {kept.reference}" in html
    assert "Previous officer: Chan Tai Man" in html and "New officer: Wong Siu Ming" in html
    assert "Reason: Chan is on leave &lt;today&gt;" in html  # escaped
    assert "<today>" not in html


def test_details_are_translated_in_chinese(agency, lift, qsm):
    kept, duplicate = _case(lift, "a@example.org"), _case(lift, "b@example.org")
    case_merge(source=duplicate, target=kept, actor=qsm.user)
    entry = AuditEntry.objects.get(action="case.merge")
    with override("zh-hant"):
        (shown,) = audit_details([entry])
        labels = [label for label, _text in shown.details]
    assert "已合併至" in labels  # "Merged into"


def test_unknown_keys_and_values_are_readable(agency, qsm):
    audit_record(actor=qsm.user, action="pledge.update", target=agency,
                 data={"n_train": 3, "auto_promote": True, "before": {"threshold": 5},
                       "sites": ["HCC", "NPT"], "empty": ""})  # fmt: skip
    (entry,) = audit_details(AuditEntry.objects.filter(action="pledge.update"))
    # In the order the database keeps the keys (PostgreSQL's jsonb sorts them its own way).
    assert sorted(entry.details) == [
        ("Auto promote", "Yes"),
        ("Before", "threshold: 5"),
        ("N train", "3"),
        ("Sites", "HCC, NPT"),
    ]


def test_which_record_filter_finds_a_merge_by_the_merged_case(client, agency, lift, qsm):
    kept, duplicate = _case(lift, "a@example.org"), _case(lift, "b@example.org")
    case_merge(source=duplicate, target=kept, actor=qsm.user)
    client.force_login(qsm.user)
    html = client.get("/staff/audit/", {"target": duplicate.reference}).content.decode()
    assert "case.merge" in html and "case.create" in html
    other = client.get("/staff/audit/", {"target": "HSG-2099-999999"}).content.decode()
    assert "case.merge" not in other


def test_page_queries_stay_few_with_reassignment_details(
    client, agency, lift, qsm, django_assert_max_num_queries
):
    officers = [
        StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[lift.department])
        for _ in range(3)
    ]
    for n in range(6):
        case = _case(lift, f"c{n}@example.org")
        for officer in officers:
            case_assign(case=case, actor=qsm.user, assignee=officer)
    client.force_login(qsm.user)
    with django_assert_max_num_queries(10):
        response = client.get("/staff/audit/")
    # Intake already gave each case one of them: the first reassignment may change nothing.
    assert response.content.decode().count("New officer:") >= 12


def test_pagination_links_keep_the_filters_encoded(client, agency, qsm):
    team = StaffFactory(agency=agency, role=Role.QSM, display_name="Q&A team")
    for n in range(55):
        audit_record(actor=team.user, action="case.note", target=agency, data={"n": n})
    client.force_login(qsm.user)
    html = client.get("/staff/audit/", {"action": "case.", "who": "Q&A"}).content.decode()
    assert 'action=case.&amp;who=Q%26A" rel="next"' in html  # not "who=Q&A": a second filter
