"""The printable monthly report on a 375 px phone: never wider than the screen; a wide table
scrolls in its own box, which the keyboard reaches and a screen reader names by its caption.
Printed (and as the PDF), every table is whole, not cut off at a scroll box's edge."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, SiteFactory, StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HK = ZoneInfo("Asia/Hong_Kong")
REPORT = "/staff/pledges/report/?month=2026-09"


def _agency():
    """Six months of figures (the trend table's six columns), and sites that miss."""
    housing = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    for name in ("Harbour Central Customer Centre", "Kowloon Ridge Tenancy Centre"):
        service = ServiceFactory(site=SiteFactory(agency=housing, name=name), prefix="A")
        for month in range(4, 10):
            for wait in (5, 10, 30, 45):
                make_ticket(service=service, joined=datetime(2026, month, 7, 10, tzinfo=HK),
                            wait_minutes=wait)  # fmt: skip
    for metric, target, threshold, period in (
        ("tickets_within", 90, 20, "month"),
        ("wait_p90", 30, None, "quarter"),
    ):
        recompute_pledge(make_pledge(agency=housing, metric=metric, target=target,
                                     threshold=threshold, period=period))  # fmt: skip
    return housing


def _wide_things(page) -> list[str]:
    """Elements that reach past the right edge of the screen, for the failure message."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth
                         && !e.closest(".civicdesk-table-scroll"))
            .slice(0, 8).map(e => e.tagName + "." + e.className)"""
    )


def test_the_report_fits_a_phone_and_prints_whole(browser, live_server, axe):
    executive = StaffFactory(agency=_agency(), role=Role.EXECUTIVE)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, executive)
    for code in ("en", "ms", "zh-hant", "zh-hans"):
        page.goto(f"/language/{code}/?next={REPORT}")
        assert page.locator("h1").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{code}: the report is {width} px wide: {_wide_things(page)}"
        assert axe(page) == []
        boxes = page.locator(".civicdesk-table-scroll")
        # Every table in a box: the four of the month and one trend per pledge.
        assert boxes.count() == page.locator("main table").count() == 4 + 2
        for i in range(boxes.count()):
            box = boxes.nth(i)
            assert box.get_attribute("role") == "region"
            caption = box.locator("caption")
            if box.get_attribute("aria-label") is None:  # named by its caption (and heading)
                assert caption.get_attribute("id") in box.get_attribute("aria-labelledby").split()
            else:
                assert box.get_attribute("aria-label") == caption.inner_text()
            if box.evaluate("e => e.scrollWidth > e.clientWidth"):  # the keyboard can scroll it
                assert box.get_attribute("tabindex") == "0"
        # The trend table of six months is wider than a phone: it scrolls in its box.
        trend = boxes.last
        assert trend.evaluate("e => e.scrollWidth > e.clientWidth")
    # Printed: no scroll box clips a table; each is shown whole within the page.
    page.goto(f"/language/en/?next={REPORT}")
    page.emulate_media(media="print")
    clipped = page.evaluate(
        """() => [...document.querySelectorAll(".civicdesk-table-scroll")]
            .filter(e => getComputedStyle(e).overflowX !== "visible")
            .map(e => e.querySelector("caption").textContent)"""
    )
    assert clipped == []
    assert page.locator(".report-tools").is_hidden()
    context.close()
