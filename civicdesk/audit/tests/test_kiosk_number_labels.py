"""A ticket's number and a routing model's number are both stored as "number": the audit page
labels each by the kind of object it belongs to (a ticket is not a "Model number")."""

import pytest
from django.utils.translation import override

from civicdesk.audit.details import audit_details
from civicdesk.audit.models import AuditEntry
from civicdesk.audit.services import audit_record
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues import services
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _details(action: str) -> dict:
    return dict(audit_details(AuditEntry.objects.filter(action=action))[0].details)


def test_a_ticket_action_shows_its_ticket_number(agency):
    site = SiteFactory(agency=agency, code="HCC")
    service = ServiceFactory(site=site, prefix="B")
    officer = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[site]).user
    ticket = services.ticket_issue(
        service=service, channel="staff", actor=officer, check_open=False
    )
    with override("en"):
        details = _details("ticket.issue")
    assert details["Ticket number"] == ticket.number == "B001"
    assert "Model number" not in details
    with override("zh-hant"):
        labels = set(_details("ticket.issue"))
    assert "模型編號" not in labels


def test_a_routing_model_keeps_its_model_number(agency):
    from civicdesk.routing.models import ModelVersion

    version = ModelVersion.objects.create(agency=agency, number=3)
    audit_record(actor=None, action="routing.promote", target=version, agency=agency,
                 data={"number": 3, "previous": 2})  # fmt: skip
    audit_record(actor=None, action="routing.trained", agency=agency, data={"number": 4})
    with override("en"):
        assert _details("routing.promote")["Model number"] == "3"
        assert _details("routing.trained")["Model number"] == "4"


def test_a_number_of_another_kind_is_not_called_a_model_or_ticket_number(agency):
    audit_record(actor=None, action="other.thing", agency=agency, data={"number": 7})
    with override("en"):
        assert _details("other.thing") == {"Number": "7"}


def test_the_audit_page_labels_ticket_numbers(client, agency):
    site = SiteFactory(agency=agency, code="HCC")
    service = ServiceFactory(site=site, prefix="B")
    officer = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[site]).user
    services.ticket_issue(service=service, channel="staff", actor=officer, check_open=False)
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.force_login(qsm.user)
    page = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ticket number: B001" in page
    assert "Model number: B001" not in page
