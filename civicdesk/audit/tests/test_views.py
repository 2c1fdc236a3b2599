import pytest

from civicdesk.audit.services import audit_record
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_qsm_sees_her_agency_entries_only(
    client, agency, other_agency, django_assert_max_num_queries
):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    other = StaffFactory(agency=other_agency, role=Role.QSM)
    for i in range(30):
        audit_record(actor=qsm.user, action="case.reassign", target=agency, data={"i": i})
    audit_record(actor=other.user, action="case.transfer", target=other_agency)
    client.force_login(qsm.user)
    with django_assert_max_num_queries(10):
        response = client.get("/staff/audit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "case.reassign" in html and "case.transfer" not in html
    filtered = client.get("/staff/audit/?action=auth.").content.decode()
    assert "case.reassign" not in filtered


def test_frontline_officer_is_refused_with_a_message(client, agency):
    officer = StaffFactory(agency=agency, role=Role.FRONTLINE)
    client.force_login(officer.user)
    response = client.get("/staff/audit/")
    assert response.status_code == 403
    assert "Your role does not allow this." in response.content.decode()


def test_home_links_to_audit_log_for_qsm(client, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.force_login(qsm.user)
    assert 'href="/staff/audit/"' in client.get("/staff/").content.decode()
