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
    assert page.get_by_role("table", name="Required and planned staff on 2026-06-01").count() == 1
    # The gap is said in words, not only in colour.
    assert "Short by 1" in page.inner_text("#roster")
    assert axe(page) == []
