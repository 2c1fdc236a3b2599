"""Journey 9 in a real browser, with axe-core on every page.

A trainer schedules a session at a pilot site; a frontline officer takes her self-assessment,
her supervisor assesses her; she submits an improvement idea; her manager approves it and marks
it implemented; the programme report's counts change.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from civicdesk.core.clock import now
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import TEST_PASSWORD, StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.workforce import services
from civicdesk.workforce.models import Assessment, Idea, IdeaStatus
from civicdesk.workforce.tests.factories import promulgated_profile, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Exactly the staff home: a glob like "**/staff/" would also match "...?next=/staff/".
STAFF_HOME = re.compile(r"^http://[^/]+/staff/$")


def visit(page, axe, url):
    page.goto(url)
    assert axe(page) == [], url


def test_journey_nine_pilot_programme(page, axe, agency):
    site, lead, officer, _colleague = team(agency)
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    profile = promulgated_profile(agency)
    promulgated_profile(agency, group="leader", title="Leaders")
    course = services.training_programme_create(
        actor=trainer.user,
        agency=agency,
        code="service",
        title="Service concepts",
        competency_codes=["welcome"],
        required_for=["frontline"],
    )
    today = timezone.localdate(now())
    programme = services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Service Culture Pilot",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=90),
        sites=[site],
    )
    services.pilot_site_add(actor=admin.user, programme=programme, site=site, owner=lead)

    # The trainer schedules a session at the pilot site.
    sign_in(page, trainer.user)
    visit(page, axe, "/staff/workforce/training/")
    page.get_by_role("link", name="Schedule a session").click()
    assert axe(page) == []
    page.get_by_role("button", name="Schedule session").click()  # empty: errors, announced
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    assert axe(page) == []
    page.get_by_label("Training programme").select_option(str(course.pk))
    page.get_by_label("Site").select_option(str(site.pk))
    page.get_by_label("Date").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("End time").fill("12:30")
    page.get_by_label("Places").fill("12")
    page.get_by_role("button", name="Schedule session").click()
    page.wait_for_url(re.compile(r"/training/sessions/\d+/$"))
    expect(page.locator("main")).to_contain_text("Session scheduled")
    assert axe(page) == []

    # The officer acknowledges her profile, enrols, and takes her self-assessment.
    sign_in(page, officer.user)
    visit(page, axe, "/staff/workforce/")
    page.get_by_role("link", name="My profile").click()
    assert axe(page) == []
    page.get_by_role("button", name="I have read and acknowledge this profile").click()
    expect(page.locator("main")).to_contain_text("You acknowledged this profile")
    visit(page, axe, "/staff/workforce/training/")
    page.get_by_role("link", name="Service concepts").click()
    page.get_by_role("button", name="Enrol me").click()
    expect(page.locator("main")).to_contain_text("You are enrolled")
    assert axe(page) == []
    visit(page, axe, "/staff/workforce/")
    page.get_by_role("link", name="Take your self-assessment").click()
    assert axe(page) == []
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label("Role model", exact=False).check()
    page.get_by_role("button", name="Submit assessment").click()
    page.wait_for_url(f"**/people/{officer.pk}/")
    expect(page.locator("main")).to_contain_text("Self-assessment submitted")
    assert axe(page) == []

    # She submits an improvement idea.
    visit(page, axe, "/staff/workforce/ideas/new/")
    page.get_by_label("Title").fill("Text people when documents are ready")
    page.get_by_label("What is the problem?").fill("People phone twice to ask.")
    page.get_by_label("What do you propose?").fill("Send an SMS when ready.")
    page.get_by_label("What will it improve?").fill("Fewer calls.")
    page.get_by_label("Site").select_option(str(site.pk))
    page.get_by_role("button", name="Submit idea").click()
    page.wait_for_url(re.compile(r"/ideas/\d+/$"))
    assert page.get_by_test_id("idea-status").inner_text() == "Submitted"
    assert axe(page) == []
    idea = Idea.objects.get()

    # Her supervisor assesses her, looks at the report, then decides on the idea.
    sign_in(page, lead.user)
    visit(page, axe, "/staff/workforce/team/")
    page.get_by_role("link", name=f"Assess {officer.display_name}").click()
    assert axe(page) == []
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label("Developing", exact=False).check()
    page.get_by_role("button", name="Submit assessment").click()
    page.wait_for_url(f"**/people/{officer.pk}/")
    assert axe(page) == []
    assert Assessment.objects.filter(subject=officer, kind="supervisor").exists()
    ratings = page.get_by_test_id("ratings").inner_text()
    assert "-2" in ratings  # supervisor 2 against self 4

    report_url = f"/staff/workforce/programmes/{programme.pk}/report/"
    visit(page, axe, report_url)
    assert page.get_by_test_id("pilot-initiated").inner_text() == "1"
    assert page.get_by_test_id("pilot-implemented").inner_text() == "0"
    assert "No survey data yet." in page.get_by_test_id("report-surveys").inner_text()

    visit(page, axe, f"/staff/workforce/ideas/{idea.pk}/")
    page.get_by_role("button", name="Approve and assign").click()
    expect(page.get_by_test_id("idea-status")).to_have_text("Approved")
    assert axe(page) == []
    page.get_by_label("What was done?", exact=False).fill("SMS live at the counter.")
    page.get_by_role("button", name="Mark as implemented").click()
    expect(page.get_by_test_id("idea-status")).to_have_text("Implemented")
    assert axe(page) == []
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.IMPLEMENTED

    visit(page, axe, report_url)
    assert page.get_by_test_id("pilot-implemented").inner_text() == "1"
    body = page.locator("main").inner_text()
    assert "Text people when documents are ready" in body
    assert "Service concepts" in body  # the upcoming session at the pilot site
    assert re.search(r"\d{4}-Q\d", page.get_by_test_id("report-assessments").inner_text())

    # Every other workforce page a manager reaches passes axe too.
    for url in [
        "/staff/workforce/ideas/",
        "/staff/workforce/ideas/?by=period",
        "/staff/workforce/awards/",
        "/staff/workforce/programmes/",
        f"/staff/workforce/programmes/{programme.pk}/",
        "/staff/workforce/profiles/",
        f"/staff/workforce/profiles/{profile.pk}/",
        "/staff/workforce/my-profile/",
    ]:
        visit(page, axe, url)


def test_admin_pages_pass_axe(page, axe, agency):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    site, _lead, officer, _c = team(agency)
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    device = TOTPDevice.objects.create(user=admin.user, name="phone", confirmed=True)
    profile = promulgated_profile(agency)
    today = timezone.localdate(now())
    programme = services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Pilot",
        starts_on=today,
        ends_on=today + timedelta(days=30),
        sites=[site],
    )
    draft = services.competency_profile_new_version(actor=admin.user, profile=profile)
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill(admin.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/two-factor/**")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Six-digit code").fill(code)
    page.keyboard.press("Enter")
    page.wait_for_url(STAFF_HOME)
    for url in [
        f"/staff/workforce/profiles/{draft.pk}/",
        "/staff/workforce/profiles/",
        "/staff/workforce/programmes/",
        f"/staff/workforce/programmes/{programme.pk}/",
        "/staff/workforce/awards/",
        f"/staff/workforce/profiles/{profile.pk}/",
        f"/staff/workforce/people/{officer.pk}/",
    ]:
        visit(page, axe, url)
    page.goto("/staff/workforce/programmes/")
    page.get_by_role("button", name="Create programme").click()  # empty: errors shown
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    assert axe(page) == []
    page.goto(f"/staff/workforce/programmes/{programme.pk}/")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    assert axe(page) == []
