"""In a real browser: the public pages without JavaScript, the staff form by keyboard; axe clean."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import (
    AgencyFactory,
    SiteFactory,
    StaffFactory,
)
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.models import Pledge
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HK = ZoneInfo("Asia/Hong_Kong")


def _city():
    housing = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    transport = AgencyFactory(code="TRN", name="Harbour City Transport")
    for agency, waits in ((housing, [5, 10, 30]), (transport, [5, 50])):
        for name in ("North", "South"):
            service = ServiceFactory(site=SiteFactory(agency=agency, name=name), prefix="A")
            for wait in waits:
                make_ticket(service=service, joined=datetime(2026, 9, 7, 10, tzinfo=HK),
                            wait_minutes=wait)  # fmt: skip
        recompute_pledge(
            make_pledge(agency=agency, metric="tickets_within", target=80, threshold=20)
        )
    return housing


def test_transparency_pages_work_without_javascript(browser, live_server):
    _city()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/pledges/")
    page.get_by_role("link", name="Harbour City Housing Authority").click()
    assert page.get_by_role("img", name="Achievement by period").count() == 1
    assert "66.7%" in page.inner_text("main")
    context.close()


def test_transparency_pages_pass_axe_in_every_language(page, axe):
    _city()
    page.goto("/pledges/")
    assert page.get_by_role("heading", level=1).inner_text() == "Our pledges and how we did"
    assert axe(page) == []
    page.get_by_role("link", name="Harbour City Housing Authority").click()
    assert page.get_by_role("table", name="Achievement by period").count() == 1
    assert axe(page) == []
    for code in ("zh-hant", "zh-hans", "ms"):
        page.goto(f"/language/{code}/?next=/pledges/HSG/")
        assert page.locator("html").get_attribute("lang") == code
        assert axe(page) == []
    page.goto("/pledges/open-data/")
    assert axe(page) == []


def test_qsm_adds_a_pledge_by_keyboard(page, axe):
    housing = _city()
    qsm = StaffFactory(agency=housing, role=Role.QSM)
    sign_in(page, qsm)
    page.goto("/staff/pledges/")
    assert axe(page) == []
    page.get_by_role("link", name="Add a pledge").click()
    assert axe(page) == []
    page.get_by_label("What is measured").select_option("csat")
    page.get_by_label("Target").fill("85")
    page.get_by_role("button", name="Save").press("Enter")
    page.wait_for_url("**/staff/pledges/*/")
    assert axe(page) == []
    pledge = Pledge.objects.get(metric="csat")
    assert pledge.sentence in page.inner_text("main")
    page.goto("/staff/pledges/report/?month=2026-09")
    assert "Pledges report for September 2026" in page.inner_text("body")
    assert axe(page) == []
