"""Citizens read agency, site and service names in their language: on the kiosk, the join page,
the display board (also as the board updates), and in their emails."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import appointments as appts
from civicdesk.queues import services
from civicdesk.queues.tests.test_appointments import slot_at

pytestmark = pytest.mark.django_db

PASSPORT = {"zh-hant": "護照續期", "zh-hans": "护照续期", "ms": "Pembaharuan pasport"}
CENTRE = {"zh-hant": "海港中區中心", "ms": "Pusat Harbour Central"}


@pytest.fixture
def named(site, service):
    site.names, service.names = CENTRE, PASSPORT
    site.save()
    service.save()
    site.agency.names = {"zh-hant": "海港城房屋委員會"}
    site.agency.save()
    return site, service


def test_the_name_for_each_language_falls_back_sensibly(named):
    site, service = named
    assert service.local_name("zh-hant") == "護照續期"
    assert service.local_name("ms") == "Pembaharuan pasport"
    assert service.local_name("en") == "Passport renewal"
    # No Simplified name for the site: the Traditional one, not the English one.
    assert site.local_name("zh-hans") == "海港中區中心"
    with translation.override("ms"):
        assert service.display_name == "Pembaharuan pasport"


def test_names_only_in_known_languages(named):
    _site, service = named
    service.names = {"fr": "Renouvellement de passeport"}
    with pytest.raises(ValidationError):
        service.full_clean()
    service.names = {"ms": 3}
    with pytest.raises(ValidationError):
        service.full_clean()


def _in(client, language: str, path: str) -> str:
    client.get(f"/language/{language}/?next=/")
    return client.get(path).content.decode()


def test_kiosk_and_join_page_name_the_service_and_site_in_the_chosen_language(client, clock, named):
    kiosk = _in(client, "zh-hant", "/queues/HSG/HCC/kiosk/")
    assert "護照續期" in kiosk and "海港中區中心" in kiosk and "Passport renewal" not in kiosk
    join = _in(client, "ms", "/queues/HSG/HCC/")
    assert "Pembaharuan pasport" in join and "Pusat Harbour Central" in join
    english = _in(client, "en", "/queues/HSG/HCC/")
    assert "Passport renewal" in english and "Pembaharuan" not in english


def test_the_board_names_services_in_its_language_now_and_as_it_updates(client, clock, named):
    _site, service = named
    services.ticket_issue(service=service, channel="kiosk")
    board = _in(client, "zh-hant", "/live/HSG/HCC/board/")
    assert "<td>護照續期</td>" in board and "海港中區中心" in board
    start = board.index('id="live-service-names"')
    script = board[board.index(">", start) + 1 : board.index("</script>", start)]
    assert json.loads(script) == {str(service.id): "護照續期"}


def test_appointment_email_and_invite_name_the_service_in_the_citizens_language(clock, named):
    _site, service = named
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    appts.appointment_book(slot=slot_at(service, 14), name="陳太", email="chan@example.org",
                           language="zh-hant")  # fmt: skip
    mail = OutboxMessage.objects.get(to="chan@example.org")
    assert "護照續期" in mail.subject and "海港中區中心" in mail.body
    assert "護照續期" in mail.attachments[0]["content"]
    assert "Passport renewal" not in mail.body


def test_the_setup_form_takes_the_name_in_each_language_the_agency_serves(client, site):
    from civicdesk.audit.models import AuditEntry
    from civicdesk.queues.models import Service
    from civicdesk.queues.tests.test_setup import SERVICE

    site.agency.languages = ["en", "zh-hant", "ms"]
    site.agency.save()
    _sign_in_admin(client, site)
    url = f"/queues/staff/sites/{site.id}/setup/services/new/"
    page = client.get(url).content.decode()
    assert "Name in Traditional Chinese" in page and "Name in Malay" in page
    assert "Name in Simplified Chinese" not in page  # not a language this agency serves
    done = client.post(url, {**SERVICE, "name_zh-hant": " 護照續期 ", "name_ms": ""})
    assert done.status_code == 302
    service = Service.objects.get()
    assert service.names == {"zh-hant": "護照續期"}
    entry = AuditEntry.objects.get(action="queue_service.create")
    assert entry.data["changes"]["names"] == [None, {"zh-hant": "護照續期"}]
    edit = client.get(f"/queues/staff/sites/{site.id}/setup/services/{service.id}/").content
    assert "護照續期" in edit.decode()


def test_changing_a_service_audits_every_field_that_changed(client, site, service):
    from civicdesk.audit.models import AuditEntry
    from civicdesk.queues.tests.test_setup import SERVICE

    _sign_in_admin(client, site)
    url = f"/queues/staff/sites/{site.id}/setup/services/{service.id}/"
    done = client.post(url, {**SERVICE, "name": "Passports", "prefix": "Q"})
    assert done.status_code == 302
    changes = AuditEntry.objects.get(action="queue_service.update").data["changes"]
    assert changes["name"] == ["Passport renewal", "Passports"]
    assert changes["prefix"] == ["A", "Q"]


def _sign_in_admin(client, site) -> None:
    """An agency admin of the site's agency, signed in and past two-factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from civicdesk.organisations.roles import Role
    from civicdesk.organisations.tests.factories import StaffFactory

    admin = StaffFactory(agency=site.agency, role=Role.AGENCY_ADMIN).user
    client.force_login(admin)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
