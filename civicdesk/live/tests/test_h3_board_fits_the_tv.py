"""The display board fills a TV without scrolling. It sat inside the site's header, menu and
footer, so a board with long service names was taller than a 1920×1080 screen and its last rows
were below the bottom edge, where nobody in the waiting room can scroll to them.

Measured with the longest service names of the demo city (in Malay the longest of all), eight
counters calling and ten more visitors waiting, at 1920×1080 and at 1280×720."""

import os

import pytest
from playwright.sync_api import expect

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser]

NAMES = [  # (prefix, English, Malay): the longest service names of `civicdesk demo`
    ("A", "Repairs and maintenance", "Pembaikan dan penyelenggaraan"),
    ("B", "Driving licence renewal", "Pembaharuan lesen memandu"),
    ("C", "Permits and enquiries", "Permit dan pertanyaan"),
]

MEASURE = """() => {
  const bottom = (sel) => Math.max(...[...document.querySelectorAll(sel)]
    .map((el) => el.getBoundingClientRect().bottom));
  const px = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
  return {
    height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth,
    innerHeight, innerWidth,
    lowest: Math.max(bottom("[data-next] tr"), bottom("[data-recent] tr"),
                     bottom("[data-chime-toggle]")),
    now: px("[data-testid=now-number]"), row: px("[data-next] td"),
    header: document.querySelectorAll("header, .govuk-footer").length,
  };
}"""


@pytest.fixture
def busy_board(open_site):
    open_site.name, open_site.names = (
        "Harbour Central Customer Centre",
        {"ms": "Pusat Pelanggan Harbour Central"},
    )
    open_site.save()
    queue = [
        ServiceFactory(site=open_site, prefix=prefix, name=name, names={"ms": malay})
        for prefix, name, malay in NAMES
    ]
    for n in range(18):  # eight to call, ten left waiting
        services.ticket_issue(service=queue[n % 3], channel=Channel.KIOSK)
    for n in range(1, 9):
        counter = CounterFactory(site=open_site, name=str(n), services=queue)
        officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site])
        services.counter_open(actor=officer.user, counter=counter)
        services.ticket_call_next(actor=officer.user, counter=counter)
    return open_site


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_the_board_fits_the_screen_in_large_type(
    asgi_server, browser, axe, busy_board, language, width, height
):
    context = browser.new_context(
        base_url=asgi_server.url, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    board = f"/live/{busy_board.agency.code}/{busy_board.code}/board/"
    page.goto(f"/language/{language}/?next={board}")
    expect(page.locator("[data-recent] tr")).to_have_count(5)
    expect(page.get_by_test_id("next-A")).not_to_have_text("None waiting")
    if os.environ.get("H3_SHOTS"):
        page.screenshot(path=f"{os.environ['H3_SHOTS']}/board-{language}-{width}.png")
    m = page.evaluate(MEASURE)
    assert m["height"] <= m["innerHeight"] and m["width"] <= m["innerWidth"], m
    assert m["lowest"] <= m["innerHeight"], m  # every row on the screen, none cut off
    # Large enough to read across the room: the call over a tenth of the screen's height,
    # the rows about 5% of it (54 px on a 1080-line TV).
    assert m["now"] >= 0.1 * height and m["row"] >= 0.045 * height, m
    assert m["header"] == 0  # none of the site's header, menu and footer
    assert axe(page) == []
    context.close()


def test_the_board_keeps_a_skip_link_a_main_landmark_and_the_language_choice(
    asgi_server, browser, busy_board
):
    page = browser.new_context(base_url=asgi_server.url, locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/live/{busy_board.agency.code}/{busy_board.code}/board/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    expect(page.get_by_role("main")).to_contain_text("Repairs and maintenance")
    page.get_by_role("navigation", name="Language").get_by_role(
        "link", name="Bahasa Melayu"
    ).click()
    expect(page.locator("[data-next]")).to_contain_text("Pembaikan dan penyelenggaraan")
    expect(page.locator("html")).to_have_attribute("lang", "ms")
