"""A shortcut pressed twice (N N, as a hurried officer does) sent the counter's form twice: the
second answer ("Ticket A001 is still at this counter") replaced the first ("Called A001."), so
the screen said something had gone wrong when the visitor had been called."""

import re

import pytest
import time_machine

from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.queues.models import Channel
from civicdesk.queues.services import ticket_issue
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_morning():
    with time_machine.travel(OPEN_MORNING, tick=True):
        yield


def test_a_key_pressed_twice_calls_once_and_says_so(page, axe, agency, open_morning):
    site = SiteFactory(agency=agency, code="HCC", name="Harbour Central Customer Centre")
    service = ServiceFactory(site=site, name="Rent and payments", prefix="A")
    counter = CounterFactory(site=site, name="3", services=[service])
    officer = StaffFactory(agency=agency, sites=[site])
    for _ in range(2):
        ticket_issue(service=service, channel=Channel.KIOSK)
    sign_in(page, officer)
    page.goto(f"/queues/staff/counters/{counter.id}/")
    page.locator("body[data-shortcuts-ready]").wait_for(state="attached")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    # Two presses before the answer comes back (a real keyboard is quicker than the server).
    page.evaluate(
        "() => { const press = () => document.dispatchEvent("
        "new KeyboardEvent('keydown', {key: 'n', bubbles: true})); press(); setTimeout(press, 50); }"
    )
    page.wait_for_timeout(500)
    page.get_by_test_id("current-number").wait_for()
    page.wait_for_load_state()
    banner = page.locator(".govuk-notification-banner, .govuk-error-summary")
    assert banner.all_inner_texts() and "Called A001." in banner.first.inner_text()
    assert page.locator(".govuk-error-summary").count() == 0
    assert len([url for url in posts if re.search(r"/act/$", url)]) == 1
    assert axe(page) == []
