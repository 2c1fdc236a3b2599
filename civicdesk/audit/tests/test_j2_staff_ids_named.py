"""The audit log names the officer or site an entry stored by id (an idea's assignee, a
programme's owner and site, a trainee), as it names them for a case's reassignment: a QSM cannot
tell who "Assignee: 38" is."""

import pytest

from civicdesk.audit.details import audit_details
from civicdesk.audit.models import AuditEntry
from civicdesk.audit.services import audit_record
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_staff_and_site_ids_are_shown_by_name(client, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM, display_name="Ms Quality")
    officer = StaffFactory(agency=agency, role=Role.FRONTLINE, display_name="Chan Tai Man")
    site = SiteFactory(agency=agency, name="Kowloon Bay Office")
    audit_record(actor=qsm.user, action="idea.approved", agency=agency,
                 data={"from": "submitted", "to": "approved", "assignee": officer.pk})  # fmt: skip
    audit_record(actor=qsm.user, action="programme.site_add", agency=agency,
                 data={"site": site.pk, "owner": officer.pk})  # fmt: skip
    audit_record(actor=qsm.user, action="training.enrol", agency=agency,
                 data={"session": 7, "staff": officer.pk})  # fmt: skip
    entries = audit_details(AuditEntry.objects.order_by("pk"))
    details = {entry.action: dict(entry.details) for entry in entries}
    assert details["idea.approved"]["Assignee"] == "Chan Tai Man"
    assert details["programme.site_add"]["Owner"] == "Chan Tai Man"
    assert details["programme.site_add"]["Site"] == "Kowloon Bay Office"
    assert details["training.enrol"]["Staff"] == "Chan Tai Man"
    client.force_login(qsm.user)
    page = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Chan Tai Man" in page and "Kowloon Bay Office" in page


def test_routing_keys_have_labels_a_person_can_read(agency):
    from django.utils.translation import override

    audit_record(actor=None, action="case.auto_route", agency=agency,
                 data={"confidence": 0.93, "threshold": 0.45, "department": "ROADS"})  # fmt: skip
    audit_record(actor=None, action="routing.trained", agency=agency,
                 data={"number": 2, "n_train": 200, "top1": 0.86, "coverage": 0.77})  # fmt: skip
    with override("en"):
        trained = dict(
            audit_details(AuditEntry.objects.filter(action="routing.trained"))[0].details
        )
    assert set(trained) == {"Model number", "Training cases", "Top-choice accuracy", "Coverage"}
    with override("zh-hant"):  # labels already translated: no English left on the page
        routed = dict(audit_details(AuditEntry.objects.filter(action="case.auto_route"))[0].details)
    assert set(routed) == {"可信度", "門檻", "部門"}
