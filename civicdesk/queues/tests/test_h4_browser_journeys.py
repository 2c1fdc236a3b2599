"""Journey walk H4 in a real browser: Mr Lim at a 1080x1920 portrait kiosk by touch, the officer's
counter screen with a screen reader, Aisha's join page at 200% zoom on a 375 px phone."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from civicdesk.organisations.tests.factories import TEST_PASSWORD, StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KIOSK = {"width": 1080, "height": 1920}
TOUCH = 44  # px, WCAG 2.5.5 (target size, enhanced)


@pytest.fixture
def open_morning():
    with time_machine.travel(OPEN_MORNING, tick=True):
        yield


def _small_targets(page) -> list:
    """Visible links and buttons smaller than a fingertip (the skip link shows only on focus)."""
    return page.evaluate(
        """(size) => [...document.querySelectorAll('a, button, input, select')]
          .filter((e) => e.offsetParent !== null && !e.classList.contains('govuk-skip-link'))
          .map((e) => [(e.innerText || e.value || e.name).trim(), e.getBoundingClientRect()])
          .filter(([, r]) => r.width < size || r.height < size)
          .map(([text, r]) => `${text}: ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        TOUCH,
    )


def test_every_kiosk_target_is_touch_size_on_a_portrait_screen(page, open_morning, service):
    page.set_viewport_size(KIOSK)
    page.goto("/queues/HSG/HCC/kiosk/")
    assert _small_targets(page) == []
    page.get_by_role("link", name="Large text").click()
    assert _small_targets(page) == []
    page.get_by_role("button", name=re.compile("Passport renewal")).click()
    assert _small_targets(page) == []
    page.get_by_role("button", name="Aged 65 or over").click()
    page.wait_for_url("**/kiosk/ticket/**")
    assert _small_targets(page) == []
    # "Done" (a link drawn as a button) has its word in the middle, as "Print ticket" has.
    done = page.get_by_role("link", name="Done").bounding_box()
    word = page.evaluate(
        """() => { const a = document.querySelector('[data-kiosk-home]');
          const range = document.createRange(); range.selectNodeContents(a);
          const r = range.getBoundingClientRect(); return r.top + r.height / 2; }"""
    )
    assert abs(word - (done["y"] + done["height"] / 2)) < 8
    # The printed ticket is the number and what to do, without the site's dark header band.
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert page.get_by_test_id("number").is_visible()
    page.emulate_media(media="screen")
    page.goto("/queues/HSG/HCC/kiosk/check-in/?text=large")
    assert _small_targets(page) == []


@pytest.mark.parametrize("language", ["ms", "zh-hant"])
def test_join_page_fits_a_phone_at_200_percent_zoom(page, axe, open_morning, service, language):
    # A 375 px phone zoomed to 200% lays the page out in 188 CSS pixels. A long word in bold
    # ("penyelenggaraan") once pushed the table past the edge.
    ServiceFactory(
        site=service.site,
        name="Repairs and maintenance",
        prefix="C",
        names={"ms": "Pembaikan dan penyelenggaraan", "zh-hant": "維修及保養"},
    )
    page.set_viewport_size({"width": 188, "height": 406})
    page.goto(f"/language/{language}/?next=/queues/HSG/HCC/%3Fservice%3D{service.id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 188
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    page.goto(f"/queues/kiosk/ticket/{ticket.token}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 188
    assert axe(page) == []


def test_counter_outcome_is_spoken_after_each_key(page, axe, open_morning, counter, service):
    officer = StaffFactory(agency=service.site.agency, sites=[service.site])
    services.ticket_issue(service=service, channel=Channel.KIOSK, lane="elderly")
    page.goto(f"/staff/sign-in/?next=/queues/staff/counters/{counter.id}/")
    page.get_by_label("Username").fill(officer.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/queues/staff/counters/{counter.id}/$"))
    status = page.get_by_role("status").filter(has_text=re.compile("."))

    def press(key):
        page.locator("body[data-shortcuts-ready]").wait_for(state="attached")
        page.keyboard.press(key)
        page.wait_for_load_state()
        page.locator("body[data-shortcuts-ready]").wait_for(state="attached")

    press("n")
    expect(status).to_have_text("Called A001.")
    # Focus is on the next action, and the refusal of a recall too soon is spoken too.
    assert page.evaluate("document.activeElement.dataset.shortcut") == "s"
    press("r")
    expect(status).to_contain_text("before recalling")
    press("s")
    expect(status).to_have_text("Serving A001.")
    press("h")
    expect(status).to_contain_text("A001 is on hold")
    press("u")
    expect(status).to_have_text("Serving A001 again.")
    press("f")
    expect(status).to_have_text("Finished A001.")
    assert axe(page) == []
