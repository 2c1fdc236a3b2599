"""The survey results on a phone in Malay: no page wider than the phone; each wide table
scrolls in its own box that the keyboard reaches and a screen reader names."""

import pytest

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, SiteFactory, StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.surveys import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_results_fit_a_phone_in_malay(browser, live_server, axe):
    agency = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    site = SiteFactory(agency=agency, name="Harbour Central Customer Centre")
    for trust in ("5", "4", "2"):
        invitation = services.survey_invite(agency=agency, site=site)
        services.response_submit(
            token=invitation.token,
            answers={"satisfied": "4", "trust": trust, "easy": "5", "reasonable_time": "3"},
        )
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, qsm)
    for path in ("/staff/surveys/", "/staff/surveys/survey/"):
        page.goto(f"/language/ms/?next={path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width} px wide"
        assert axe(page) == []
        for table in page.locator("main table:visible").all():
            box = table.locator("xpath=..")
            assert box.get_attribute("role") == "region"
            assert box.get_attribute("tabindex") == "0"
            assert box.get_attribute("aria-labelledby") == table.locator("caption").get_attribute(
                "id"
            )
    context.close()
