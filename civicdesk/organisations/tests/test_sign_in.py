"""Signing in: every role reaches its home; admins must pass TOTP two-factor first."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.audit.models import AuditEntry
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


def sign_in(client, profile):
    return client.post(
        "/staff/sign-in/",
        {"username": profile.user.username, "password": TEST_PASSWORD},
        follow=True,
    )


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_as_django_admin(client):
    """A verified system administrator (superuser, second factor given) on `client`."""
    sysadmin = StaffFactory(agency=None, role=Role.SYSTEM_ADMIN)
    sysadmin.user.is_staff = sysadmin.user.is_superuser = True
    sysadmin.user.save()
    device = TOTPDevice.objects.create(user=sysadmin.user, name="phone", confirmed=True)
    sign_in(client, sysadmin)
    client.post("/staff/two-factor/", {"token": current_code(device)})
    return sysadmin


@pytest.mark.parametrize(
    "role", [Role.FRONTLINE, Role.TEAM_LEAD, Role.QSM, Role.TRAINER, Role.EXECUTIVE]
)
def test_roles_without_two_factor_land_on_their_home(client, agency, role):
    profile = StaffFactory(agency=agency, role=role)
    response = sign_in(client, profile)
    assert response.redirect_chain[-1][0] == "/staff/"
    html = response.content.decode()
    assert profile.get_role_display() in html
    assert agency.name in html


def test_home_lists_only_reachable_areas(client, agency):
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    html = sign_in(client, trainer).content.decode()
    assert 'data-area="training"' in html
    assert 'data-area="cases"' not in html
    assert 'data-area="audit"' not in html


def test_wrong_password_gives_an_error_a_person_can_act_on(client, agency):
    profile = StaffFactory(agency=agency)
    response = client.post(
        "/staff/sign-in/", {"username": profile.user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN])
def test_admins_enrol_and_verify_totp_before_anything_else(client, agency, role):
    profile = StaffFactory(agency=None if role is Role.SYSTEM_ADMIN else agency, role=role)
    response = sign_in(client, profile)
    assert response.redirect_chain[-1][0].startswith("/staff/two-factor/")
    assert "Set up two-factor sign-in" in response.content.decode()
    # Nothing else is reachable yet, pages or API.
    assert client.get("/staff/").status_code == 302
    assert client.get("/api/v1/organisations/agencies").status_code == 403

    device = TOTPDevice.objects.get(user=profile.user, confirmed=False)
    bad = client.post("/staff/two-factor/", {"token": "000000"})
    assert "not right" in bad.content.decode() or "six digits" in bad.content.decode()
    # django-otp throttles after a failure; a person tries again a few seconds later.
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        good = client.post("/staff/two-factor/", {"token": current_code(device)}, follow=True)
    assert good.redirect_chain[-1][0] == "/staff/"
    device.refresh_from_db()
    assert device.confirmed
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"auth.two_factor_enrolled", "auth.two_factor_verified"} <= actions


def test_enrolled_admin_is_asked_for_a_code_next_time(client, agency):
    profile = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    device = TOTPDevice.objects.create(user=profile.user, name="phone", confirmed=True)
    response = sign_in(client, profile)
    assert "Enter your two-factor code" in response.content.decode()
    response = client.post("/staff/two-factor/", {"token": current_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/"


def test_django_admin_is_for_verified_system_admins_only(client, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    sign_in(client, qsm)
    assert client.get("/admin/").status_code == 302  # to the admin login, refused

    client.logout()
    sign_in_as_django_admin(client)
    assert client.get("/admin/").status_code == 200


def test_open_redirect_after_two_factor_is_refused(client, agency):
    profile = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    device = TOTPDevice.objects.create(user=profile.user, name="phone", confirmed=True)
    sign_in(client, profile)
    response = client.post(
        "/staff/two-factor/", {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


def test_language_switch_by_link(client):
    response = client.get("/language/zh-hant/?next=/staff/sign-in/")
    assert response.status_code == 302 and response["Location"] == "/staff/sign-in/"
    assert client.cookies["django_language"].value == "zh-hant"
    page = client.get("/staff/sign-in/")
    assert '<html lang="zh-hant"' in page.content.decode()
    assert client.get("/language/xx/?next=https://evil.example/")["Location"] == "/"


def test_django_admin_changes_are_audited(client, agency):
    sysadmin = sign_in_as_django_admin(client)
    response = client.post(
        f"/admin/organisations/agency/{agency.pk}/change/",
        {
            "code": agency.code,
            "name": "Renamed Housing",
            "languages": '["en"]',
            "colour": "#1d70b8",
            "email": "",
            "website": "",
            "office_hours": "{}",
            "timezone": "Asia/Hong_Kong",
            "holiday_country": "HK",
            "holiday_subdivision": "",
            "is_active": "on",
            "departments-TOTAL_FORMS": "0",
            "departments-INITIAL_FORMS": "0",
            "departments-MIN_NUM_FORMS": "0",
            "departments-MAX_NUM_FORMS": "1000",
        },
    )
    errors = response.context and response.context["adminform"].form.errors
    assert response.status_code == 302, errors
    entry = AuditEntry.objects.filter(action="admin.change").get()
    assert entry.data["object"] == "HSG Renamed Housing"
    assert entry.actor == sysadmin.user
