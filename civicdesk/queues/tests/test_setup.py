"""Agency admins set up services and counters; others cannot; every change is audited."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.audit.models import AuditEntry
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues.models import Counter, Service

pytestmark = pytest.mark.django_db

SERVICE = {
    "name": "Passport renewal",
    "description": "",
    "prefix": "p",
    "default_service_minutes": "12",
    "priority_run": "2",
    "max_recalls": "2",
    "recall_gap_seconds": "30",
    "slot_minutes": "15",
    "slot_capacity": "2",
    "late_grace_minutes": "15",
    "is_active": "on",
}


@pytest.fixture
def admin(site):
    return StaffFactory(agency=site.agency, role=Role.AGENCY_ADMIN).user


def test_admin_adds_a_service_and_a_counter(client, site, admin):
    client.force_login(admin)
    # Agency admins pass two-factor before staff pages: mark this session verified by a device.
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get(f"/queues/staff/sites/{site.id}/setup/").status_code == 200
    response = client.post(f"/queues/staff/sites/{site.id}/setup/services/new/", SERVICE)
    assert response.status_code == 302, response.context["form"].errors
    service = Service.objects.get()
    assert (service.prefix, service.default_service_minutes) == ("P", 12)
    again = client.post(f"/queues/staff/sites/{site.id}/setup/services/new/", SERVICE)
    assert b"already uses the letter P" in again.content or b"no other service" in again.content
    client.post(
        f"/queues/staff/sites/{site.id}/setup/counters/new/",
        {"name": "5", "services": [service.id], "is_active": "on"},
    )
    counter = Counter.objects.get()
    assert list(counter.services.all()) == [service]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"queue_service.create", "counter.create"} <= actions


def test_services_layer_refuses_frontline_and_foreign_services(site):
    from civicdesk.core.errors import NotAllowed, ValidationFailed
    from civicdesk.queues.configuration import counter_save, service_save
    from civicdesk.queues.tests.factories import ServiceFactory

    frontline = StaffFactory(agency=site.agency, sites=[site]).user
    with pytest.raises(NotAllowed):
        service_save(actor=frontline, site=site, name="X", prefix="X")
    admin = StaffFactory(agency=site.agency, role=Role.AGENCY_ADMIN).user
    foreign = ServiceFactory(site=SiteFactory(agency=site.agency))
    with pytest.raises(ValidationFailed):
        counter_save(actor=admin, site=site, name="1", services=[foreign])
    assert Counter.objects.count() == 0


def test_frontline_cannot_open_setup(client, site):
    client.force_login(StaffFactory(agency=site.agency, sites=[site]).user)
    assert client.get(f"/queues/staff/sites/{site.id}/setup/").status_code == 404
