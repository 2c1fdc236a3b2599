"""Journey 4 on a phone (375×812), keyboard only, with axe: "Leave the queue" asks first, keeping
the place is the first and main answer, and only "Yes, leave the queue" cancels the ticket."""

import pytest
from playwright.sync_api import expect

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel, TicketStatus
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}
ALWAYS_OPEN = {str(day): [["00:00", "23:59"]] for day in range(7)}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _focus(page, name: str) -> int:
    """Tab until the control named `name` has the focus; how many presses it took."""
    for step in range(1, 60):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.innerText || document.activeElement.value")
        if label and label.strip() == name:
            return step
    raise AssertionError(f"no control {name!r} reached with Tab on {page.url}")


def _press(page, name: str) -> None:
    _focus(page, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_leaving_asks_first_on_a_phone_with_the_keyboard(phone, axe, agency):
    site = SiteFactory(agency=agency, code="HCC", name="Harbour Central",
                       opening_hours=ALWAYS_OPEN, holiday_country="")  # fmt: skip
    service = ServiceFactory(site=site, name="Passport renewal", prefix="A")
    for _ in range(4):
        services.ticket_issue(service=service, channel=Channel.KIOSK)
    mine = services.ticket_issue(service=service, channel=Channel.REMOTE)

    phone.goto(f"/queues/ticket/{mine.token}/")
    _press(phone, "Leave the queue")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to leave the queue?"
    )
    expect(phone.get_by_test_id("lose")).to_have_text(
        f"You will lose your place: {mine.number}, 4 people ahead."
    )
    assert axe(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Keeping the place comes first in the tab order, before the answer that cancels.
    _focus(phone, "No, keep my place")
    phone.keyboard.press("Tab")
    label = phone.evaluate("document.activeElement.innerText").strip()
    assert label == "Yes, leave the queue", f"after keeping the place came {label!r}"
    phone.keyboard.press("Shift+Tab")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")  # No, keep my place
    assert phone.url.endswith(f"/queues/ticket/{mine.token}/")
    expect(phone.get_by_test_id("status")).to_have_text("Waiting")
    mine.refresh_from_db()
    assert mine.status == TicketStatus.WAITING

    _press(phone, "Leave the queue")
    _press(phone, "Yes, leave the queue")
    expect(phone.get_by_test_id("status")).to_have_text("Cancelled")
    assert axe(phone) == []
    mine.refresh_from_db()
    assert mine.status == TicketStatus.CANCELLED
