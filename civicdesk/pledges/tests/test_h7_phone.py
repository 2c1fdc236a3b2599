"""On a phone (375 px) in every language: the transparency pages never run off the side; a
wide table scrolls in its own box, which the keyboard reaches and a screen reader names."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from civicdesk.organisations.models import Agency
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, SiteFactory, StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HK = ZoneInfo("Asia/Hong_Kong")


def _city():
    housing = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    transport = AgencyFactory(code="TRN", name="Harbour City Transport Department")
    for agency in (housing, transport):
        for name in ("Harbour Central Customer Centre", "Kowloon Ridge Tenancy Centre"):
            service = ServiceFactory(site=SiteFactory(agency=agency, name=name), prefix="A")
            for wait in (5, 10, 30):
                make_ticket(service=service, joined=datetime(2026, 9, 7, 10, tzinfo=HK),
                            wait_minutes=wait)  # fmt: skip
        for metric, target, threshold in (("tickets_within", 90, 20), ("wait_p90", 30, None)):
            recompute_pledge(make_pledge(agency=agency, metric=metric, target=target,
                                         threshold=threshold))  # fmt: skip


def test_transparency_pages_fit_a_phone_in_every_language(browser, live_server, axe):
    _city()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    for code in ("ms", "zh-hant", "zh-hans", "en"):
        for path in ("/pledges/", "/pledges/HSG/"):
            page.goto(f"/language/{code}/?next={path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{code} {path} is {width} px wide"
            assert axe(page) == []
            _assert_wide_tables_scroll_by_keyboard(page)
    # On a wide screen the tables fit, and their boxes are no extra stops for the keyboard.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/language/en/?next=/pledges/HSG/")
    _assert_wide_tables_scroll_by_keyboard(page)
    assert page.locator("[role=region][tabindex]").count() == 0
    context.close()


def _assert_wide_tables_scroll_by_keyboard(page):
    """Every table sits in a box named by the table's caption; the keyboard reaches each box
    whose table is wider than it, to scroll it."""
    boxes = page.locator("[role=region]:has(table)")
    assert boxes.count() == page.locator("main table").count()
    for i in range(boxes.count()):
        box = boxes.nth(i)
        caption = box.locator("caption").get_attribute("id")
        assert box.get_attribute("aria-labelledby") == caption
        if box.evaluate("e => e.scrollWidth > e.clientWidth"):
            assert box.get_attribute("tabindex") == "0"


def test_staff_pledge_list_fits_a_phone_in_malay(browser, live_server, axe):
    _city()
    executive = StaffFactory(agency=Agency.objects.get(code="HSG"), role=Role.EXECUTIVE)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, executive)
    page.goto("/language/ms/?next=/staff/pledges/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the staff list is {width} px wide"
    assert axe(page) == []
    _assert_wide_tables_scroll_by_keyboard(page)
    context.close()
