"""In a real browser: each role signs in with the keyboard, sees its home, and axe-core is clean."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import (
    TEST_PASSWORD,
    AgencyFactory,
    DepartmentFactory,
    SiteFactory,
    StaffFactory,
)
from civicdesk.organisations.tests.pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED_AREAS = {
    Role.FRONTLINE: {
        "organisation",
        "cases",
        "queues",
        "pledges",
        "performance",
        "workforce",
        "training",
    },
    Role.TEAM_LEAD: {
        "organisation",
        "staff",
        "cases",
        "queues",
        "surveys",
        "pledges",
        "insights",
        "performance",
        "workforce",
        "training",
    },
    Role.QSM: {
        "organisation",
        "staff",
        "cases",
        "queues",
        "surveys",
        "pledges",
        "insights",
        "performance",
        "workforce",
        "training",
        "audit",
    },
    Role.AGENCY_ADMIN: {
        "organisation",
        "staff",
        "cases",
        "queues",
        "surveys",
        "pledges",
        "insights",
        "performance",
        "workforce",
        "training",
        "audit",
    },
    Role.TRAINER: {"organisation", "staff", "pledges", "workforce", "training"},
    Role.EXECUTIVE: {
        "organisation",
        "staff",
        "cases",
        "queues",
        "surveys",
        "pledges",
        "insights",
        "performance",
        "workforce",
        "training",
        "audit",
    },
    Role.SYSTEM_ADMIN: {
        "organisation",
        "staff",
        "cases",
        "queues",
        "surveys",
        "pledges",
        "insights",
        "performance",
        "workforce",
        "training",
        "audit",
    },
}


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_signs_in_and_sees_its_home(page, axe, role):
    agency = AgencyFactory(code="HSG", name="Harbour City Housing Authority", colour="#1d4f91")
    profile = StaffFactory(
        agency=None if role is Role.SYSTEM_ADMIN else agency,
        role=role,
        departments=[] if role is Role.SYSTEM_ADMIN else [DepartmentFactory(agency=agency)],
        sites=[] if role is Role.SYSTEM_ADMIN else [SiteFactory(agency=agency)],
    )

    page.goto("/staff/sign-in/")
    assert axe(page) == []
    # Keyboard only: the skip link comes first, then the form is reachable by Tab.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("govuk-skip-link")
    page.get_by_label("Username").focus()
    page.keyboard.type(profile.user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    if profile.requires_two_factor:
        page.wait_for_url("**/staff/two-factor/**")
        assert axe(page) == []
        device = TOTPDevice.objects.get(user=profile.user)
        page.get_by_label("Six-digit code").fill(_code(device))
        page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"^http://[^/]+/staff/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    shown = set(page.locator("[data-area]").evaluate_all("els => els.map(e => e.dataset.area)"))
    assert shown == EXPECTED_AREAS[role]
    assert axe(page) == []


def test_sign_in_error_is_announced_and_linked(page, axe):
    AgencyFactory(code="HSG")
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert axe(page) == []


def test_public_home_and_chinese_pages_pass_axe(page, axe):
    AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    page.goto("/")
    assert axe(page) == []
    page.get_by_role("link", name="繁體中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert axe(page) == []


def test_qsm_reaches_the_audit_log_by_keyboard(page, axe):
    agency = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    sign_in(page, qsm)
    page.get_by_role("link", name="Audit log").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/audit/$"))
    assert "auth.sign_in" in page.locator("table").inner_text()
    assert axe(page) == []
