"""In a real browser: QR code images show, the kiosk offers its languages and forgets the
choice for the next visitor, and the join page reflows on a narrow phone."""

import re

import pytest
import time_machine

from civicdesk.queues.tests.conftest import OPEN_MORNING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_morning():
    with time_machine.travel(OPEN_MORNING, tick=True):
        yield


def _decoded_width(page, selector: str) -> int:
    image = page.locator(selector)
    image.wait_for()
    return page.evaluate(
        """(img) => img.decode().then(() => img.naturalWidth, () => 0)""",
        image.element_handle(),
    )


def test_qr_code_images_show(page, open_morning, service, settings):
    page.goto(f"/queues/HSG/HCC/kiosk/?service={service.id}")
    page.get_by_role("button", name="Aged 65 or over").click()
    page.wait_for_url("**/kiosk/ticket/**")
    assert _decoded_width(page, "img.queues-ticket__qr") > 0
    # The join page's poster code, as the staff site page shows it.
    page.goto(f"/queues/HSG/HCC/?service={service.id}")
    page.evaluate(
        """(src) => { const img = document.createElement("img"); img.id = "qr"; img.src = src;
        document.body.append(img); }""",
        f"/queues/HSG/HCC/qr.svg?service={service.id}",
    )
    assert _decoded_width(page, "#qr") > 0


def test_kiosk_offers_each_language_and_switches(page, axe, open_morning, service, settings):
    page.goto("/queues/HSG/HCC/kiosk/")
    languages = page.locator(".queues-kiosk__languages .queues-kiosk__language")
    assert languages.count() == len(settings.LANGUAGES)
    assert languages.evaluate_all("(links) => links.map((a) => a.getAttribute('lang'))") == [
        code for code, _name in settings.LANGUAGES
    ]
    for index in range(languages.count()):  # large touch targets
        box = languages.nth(index).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 100
    assert (
        page.locator(".queues-kiosk__language[aria-current='true']").get_attribute("lang") == "en"
    )
    kiosk_buttons = page.get_by_role("list", name="Language")
    kiosk_buttons.get_by_role("link", name="Bahasa Melayu").click()
    page.wait_for_url("**/kiosk/")
    assert page.locator("html").get_attribute("lang") == "ms"
    assert (
        page.locator(".queues-kiosk__language[aria-current='true']").get_attribute("lang") == "ms"
    )
    assert page.get_by_role("heading", name="What do you need?").count() == 0
    assert axe(page) == []


def test_kiosk_done_resets_language_and_text_for_the_next_visitor(page, open_morning, service):
    page.goto("/queues/HSG/HCC/kiosk/?text=large")
    page.locator(".queues-kiosk__language[lang='ms']").click()
    page.wait_for_url(re.compile(r"/kiosk/\?text=large$"))
    assert page.locator("html").get_attribute("lang") == "ms"
    page.locator(f"button[name='service'][value='{service.id}']").click()
    page.locator("button[name='lane'][value='normal']").click()
    page.wait_for_url("**/kiosk/ticket/**")
    assert "queues-kiosk--large" in page.locator("body").get_attribute("class")
    page.locator("[data-kiosk-home]").click()
    page.wait_for_url(re.compile(r"/queues/HSG/HCC/kiosk/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert "queues-kiosk--large" not in page.locator("body").get_attribute("class")
    assert page.get_by_role("heading", name="What do you need?").is_visible()
    cookies = {c["name"] for c in page.context.cookies()}
    assert "django_language" not in cookies


@pytest.mark.parametrize("width", [320, 390])
def test_join_page_reflows_on_a_narrow_phone_in_malay(page, axe, open_morning, service, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/language/ms/?next=/queues/HSG/HCC/%3Fservice%3D{service.id}")
    assert page.locator("html").get_attribute("lang") == "ms"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    table = page.get_by_role("table", name="Sedang menunggu")
    assert table.get_by_role("columnheader", name="Bilangan orang menunggu").count() == 1
    row = table.get_by_role("row", name=re.compile("Passport renewal"))
    assert row.get_by_role("cell").count() == 2  # still a table to a screen reader
    assert "Bilangan orang menunggu" in row.inner_text()  # each figure labelled on screen
    assert axe(page) == []
