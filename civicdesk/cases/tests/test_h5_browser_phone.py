"""The wrong-door resident follows her transferred case on a phone (375 px wide): the page
fits the screen even when a message holds a long email address, and passes axe."""

import pytest

from civicdesk.cases.services import case_create, case_transfer
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_transferred_case_fits_a_phone_and_says_who_holds_it(page, axe):
    transport = AgencyFactory(code="TRN", name="Harbour City Transport Department")
    environment = AgencyFactory(
        code="ENV",
        name="Harbour City Environment Agency",
        email="environmental.protection.enquiries@environment.harbour.example",
    )
    officer = StaffFactory(agency=transport, role=Role.QSM)
    case = case_create(agency=transport, kind="complaint", channel="web",
                       description="A tree fell on the footpath at Block D, North Point Estate.",
                       contact_email="resident@example.org")  # fmt: skip
    case_transfer(case=case, actor=officer.user, to_agency=environment, reason="Trees")

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/cases/track/")
    page.locator("input[name=reference]").fill(case.reference)
    page.locator("input[name=contact]").fill("resident@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/track/{case.reference}/")
    assert "Harbour City Environment Agency" in page.locator("main").inner_text()
    conversation = page.get_by_test_id("conversation").inner_text()
    assert "environmental.protection.enquiries@environment.harbour.example" in conversation
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide on a 375 px phone"
    assert axe(page) == []
