"""In a real browser: a visitor answers in Chinese on a phone; the manager sees it counted."""

import re

import pytest

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import (
    AgencyFactory,
    DepartmentFactory,
    SiteFactory,
    StaffFactory,
)
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.surveys import services
from civicdesk.surveys.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_visitor_answers_in_chinese_on_a_phone_and_the_manager_sees_it(
    browser, live_server, settings, axe
):
    settings.CIVICDESK_PUBLIC_URL = live_server.url
    agency = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    site = SiteFactory(agency=agency, code="HCC", name="Harbour Central Customer Centre")
    other_site = SiteFactory(agency=agency, code="NPE", name="North Point Estate Office")
    department = DepartmentFactory(agency=agency, code="RENT", name="Rent and Payments")
    officer = StaffFactory(agency=agency, display_name="Officer Chan", sites=[site])
    StaffFactory(agency=agency, display_name="Officer Lee", sites=[other_site])
    # What queues will call when the ticket is done: the visitor gave no contact, so the
    # counter screen shows the QR code; the phone opens the link it carries.
    invitation = services.survey_invite(
        agency=agency,
        site=site,
        department=department,
        officer=officer,
        service_key="RENT",
        service_name="Rent payment",
        channel="counter",
        language="zh-hant",
        source="ticket",
    )
    assert services.invitation_qr_svg(invitation).startswith("data:image/svg+xml")

    phone = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-HK"
    )
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.goto(services.invitation_url(invitation))
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert page.get_by_role("heading", level=1).inner_text() == "我們的服務如何？"
    assert axe(page) == []
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Submitting without the one required answer: an error summary, nothing stored.
    page.get_by_test_id("submit-survey").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe(page) == []
    assert Response.objects.count() == 0
    page.locator("#q-satisfied-5").check()
    page.locator("#q-helpful-5").check()
    page.locator("#q-recommend-10").check()
    page.locator("#q-effort-6").check()
    page.get_by_label(re.compile("有甚麼做得好")).fill("職員很有禮貌，等候時間很短")
    page.get_by_test_id("submit-survey").click()
    page.wait_for_url("**/survey/thanks/**")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert axe(page) == []
    # The link works once.
    page.goto(services.invitation_url(invitation))
    assert page.get_by_test_id("link-problem").get_attribute("data-code") == "invitation_used"
    assert axe(page) == []
    phone.close()

    response = Response.objects.get()
    assert (response.site, response.officer, response.language) == (site, officer, "zh-hant")

    desk = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = desk.new_page()
    page.set_default_timeout(10_000)
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    sign_in(page, qsm)
    page.get_by_role("link", name="Surveys").click()
    page.wait_for_url("**/staff/surveys/")
    row = page.locator(f'[data-testid="results-table"] tr[data-key="{site.pk}"]')
    assert row.locator('[data-metric="n"]').inner_text() == "1"
    assert row.locator('[data-metric="csat"]').inner_text().startswith("100.0")
    assert page.locator(f'tr[data-key="{other_site.pk}"]').count() == 0
    assert axe(page) == []
    for group, key in (("department", department.pk), ("service", "RENT"), ("officer", officer.pk)):
        page.get_by_label("Group by").select_option(group)
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(f"**group_by={group}**")
        assert page.locator(f'tr[data-key="{key}"] [data-metric="n"]').inner_text() == "1"
    assert "Officer Chan" in page.locator('[data-testid="results-table"]').inner_text()
    assert axe(page) == []
    for name in ("Comments and themes", "Before and after", "Suggestions", "Survey and settings"):
        page.get_by_role("link", name=name).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).is_visible()
        assert axe(page) == [], name
    page.get_by_role("link", name="Edit questions and translations").click()
    page.wait_for_url("**/survey/edit/")
    assert axe(page) == []
    page.get_by_role("link", name="Comments and themes").click()
    assert "職員很有禮貌" in page.get_by_test_id("comments").inner_text()
    desk.close()


def test_suggestion_box_by_keyboard_passes_axe(page, axe):
    agency = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    SiteFactory(agency=agency, code="HCC")
    page.goto("/suggest/HSG/HCC/?kiosk=1")
    assert axe(page) == []
    page.get_by_role("button", name="Send suggestion").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe(page) == []
    page.get_by_label("Your suggestion").fill("More seats near counter 3, please")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.get_by_test_id("suggestion-reference").inner_text().startswith("S-HSG-")
    assert axe(page) == []
