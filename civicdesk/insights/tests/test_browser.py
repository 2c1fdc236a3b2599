"""The staffing page in a real browser: readable by keyboard and screen reader, axe clean."""

import pytest
import time_machine

from civicdesk.insights import staffing
from civicdesk.insights.models import PlannedStaffing
from civicdesk.insights.tests.factories import TODAY, WEEK, steady_history
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import TEST_PASSWORD, SiteFactory, StaffFactory
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staffing_page_passes_axe(page, axe, agency):
    from datetime import datetime

    from civicdesk.insights.tests.factories import HK

    site = SiteFactory(agency=agency, name="North Office")
    service = ServiceFactory(site=site, prefix="A", name="Rent", default_service_minutes=5)
    steady_history(service, weeks=6)
    PlannedStaffing.objects.create(
        site=site, service=service, starts_at=datetime(2026, 6, 1, 10, 0, tzinfo=HK), staff=1
    )
    with time_machine.travel(TODAY, tick=False):
        staffing.site_week(site, WEEK)
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill(qsm.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/staff/insights/?week={WEEK}")
    assert axe(page) == []
    page.get_by_role("link", name="North Office").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("North Office")
    assert page.get_by_role("img", name="Mean arrivals per hour of the day").count() == 1
    assert (
        page.get_by_role("table", name="Required and planned staff on Monday 1 June 2026").count()
        == 1
    )
    # The gap is said in words, not only in colour.
    assert "Short by 1" in page.inner_text("#roster")
    assert axe(page) == []


def test_journey_seven_the_managers_week(page, axe, agency):
    """Journey 7: next week's advice for the busiest site, where the plan is short with the
    simulated service level beside it, a redeployment from another site accepted, and the
    team's performance with case mix in view."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from civicdesk.insights.tests.factories import rent_office, roster_short_here_spare_there
    from civicdesk.organisations.tests.pages import STAFF_HOME

    north, south = rent_office(agency, "North Office"), rent_office(agency, "South Office")
    day = roster_short_here_spare_there(north, south)

    manager = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    device = TOTPDevice.objects.create(user=manager.user, name="phone", confirmed=True)
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill(manager.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/two-factor/**")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Six-digit code").fill(code)
    page.keyboard.press("Enter")
    page.wait_for_url(STAFF_HOME)
    page.wait_for_load_state()

    page.goto(f"/staff/insights/?week={WEEK}")
    page.get_by_role("link", name="North Office").click()
    assert "Short by" in page.inner_text("#roster")
    assert axe(page) == []
    page.go_back()
    page.get_by_role(
        "link", name=f"Where {agency.name} is short and where it has spare staff"
    ).click()
    moves = page.locator("#moves")
    assert "South Office" in moves.inner_text() and "North Office" in moves.inner_text()
    assert axe(page) == []
    moves.get_by_role("button", name="Accept").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Roster changed" in page.inner_text("main")
    assert axe(page) == []
    north_planned = PlannedStaffing.objects.filter(site=north, starts_at__date=day)
    assert all(p.staff > 0 for p in north_planned)

    page.goto("/staff/insights/performance/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert "case-mix" in page.content().lower()
    assert axe(page) == []
