"""No page scrolls sideways on a 375 px phone. A journey walk measured the page wider than the
screen on the staff case queue (657 px in English), the staffing advice (655 px), a programme
report (831 px), the TV board (515 px in Malay) and the kiosk's priority step in large Malay
text (466 px): wide tables now scroll inside a named, focusable box, long words and buttons
wrap, and the board and kiosk fit the width. Each page is also axe clean there."""

from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect

from civicdesk.cases.services import case_create
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.insights.tests.factories import rent_office
from civicdesk.live.tests.conftest import asgi_server  # noqa: F401
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import DepartmentFactory, SiteFactory, StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.queues import services as queue_services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory
from civicdesk.workforce import services as workforce_services
from civicdesk.workforce.tests.factories import team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture
def phone(browser, asgi_server):  # noqa: F811
    context = browser.new_context(base_url=asgi_server.url, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def open_in(page, language: str, path: str) -> None:
    page.goto(f"/language/{language}/?next={path}")
    assert page.locator("html").get_attribute("lang") == language


def assert_fits(page, axe) -> None:
    width = page.evaluate(WIDTH)
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    assert axe(page) == []


def assert_tables_scroll_in_named_boxes(page) -> None:
    """Every data table sits in a region named by its caption, focusable when it scrolls."""
    for table in page.locator("main table.govuk-table").all():
        box = table.locator("xpath=..")
        assert "civicdesk-table-scroll" in (box.get_attribute("class") or "")
        assert box.get_attribute("role") == "region"
        if box.evaluate("el => el.scrollWidth > el.clientWidth"):  # the keyboard can scroll it
            assert box.get_attribute("tabindex") == "0"
        caption = page.locator(f"#{box.get_attribute('aria-labelledby')}")
        assert caption.evaluate("el => el.tagName") == "CAPTION"


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_staff_case_queue(phone, axe, agency, language):
    maintenance = DepartmentFactory(agency=agency, code="MAINT", name="Estate Maintenance")
    leak = CategoryFactory(agency=agency, code="leak", name="Water leak from ceiling",
                           name_zh="天花板漏水", department=maintenance)  # fmt: skip
    officer = StaffFactory(agency=agency, role=Role.QSM, departments=[maintenance])
    case_create(agency=agency, category=leak, kind="complaint", channel="web",
                description="Water has been leaking through the bathroom ceiling for three days",
                contact_email="chan@example.org")  # fmt: skip
    sign_in(phone, officer)
    open_in(phone, language, "/cases/staff/")
    expect(phone.get_by_test_id("queue")).to_be_visible()
    assert_tables_scroll_in_named_boxes(phone)
    assert_fits(phone, axe)


@pytest.mark.parametrize("language", ["en", "ms"])
def test_staffing_advice(phone, axe, agency, language):
    rent_office(agency, "Harbour Central Customer Centre")
    sign_in(phone, StaffFactory(agency=agency, role=Role.QSM))
    open_in(phone, language, "/staff/insights/?week=2026-W23")
    expect(phone.locator("#sites")).to_be_visible()
    assert_tables_scroll_in_named_boxes(phone)
    assert_fits(phone, axe)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_programme_report(phone, axe, agency, language):
    site = SiteFactory(agency=agency, name="Harbour Central Customer Centre",
                       names={"zh-hant": "海港中心客戶服務中心"})  # fmt: skip
    _site, lead, _officer, _colleague = team(agency, site=site)
    programme = workforce_services.pilot_programme_create(
        actor=None, agency=agency, name="Counter service pilot",
        starts_on=date(2026, 9, 1), ends_on=date(2027, 2, 28), sites=[site],
    )  # fmt: skip
    sign_in(phone, lead)
    open_in(phone, language, f"/staff/workforce/programmes/{programme.pk}/report/")
    expect(phone.get_by_test_id("report-sites")).to_be_visible()
    assert_tables_scroll_in_named_boxes(phone)
    assert_fits(phone, axe)


@pytest.fixture
def busy_site(agency):
    """A site calling on three counters, with the demo city's longest service names."""
    with time_machine.travel(OPEN_MORNING, tick=True):
        site = SiteFactory(agency=agency, code="HCC", name="Harbour Central Customer Centre",
                           names={"ms": "Pusat Pelanggan Harbour Central"})  # fmt: skip
        queue = [
            ServiceFactory(site=site, prefix="A", name="Repairs and maintenance",
                           names={"ms": "Pembaikan dan penyelenggaraan"}),
            ServiceFactory(site=site, prefix="B", name="Driving licence renewal",
                           names={"ms": "Pembaharuan lesen memandu"}),
        ]  # fmt: skip
        for n in range(8):
            queue_services.ticket_issue(service=queue[n % 2], channel=Channel.KIOSK)
        for n in range(1, 4):
            counter = CounterFactory(site=site, name=str(n), services=queue)
            officer = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[site])
            queue_services.counter_open(actor=officer.user, counter=counter)
            queue_services.ticket_call_next(actor=officer.user, counter=counter)
        yield site


@pytest.mark.parametrize("language", ["en", "ms"])
def test_tv_board(phone, axe, busy_site, language):
    with time_machine.travel(OPEN_MORNING, tick=True):
        open_in(phone, language, f"/live/{busy_site.agency.code}/{busy_site.code}/board/")
        expect(phone.get_by_test_id("next-A")).not_to_have_text("")
        assert_fits(phone, axe)


@pytest.mark.parametrize("language", ["en", "ms"])
def test_kiosk_priority_step_in_large_text(phone, axe, busy_site, language):
    with time_machine.travel(OPEN_MORNING, tick=True):
        service = busy_site.services.get(prefix="A")
        open_in(phone, language, f"/queues/HSG/HCC/kiosk/?text=large%26service={service.pk}")
        expect(phone.locator("button[name=lane]").first).to_be_visible()
        assert "queues-kiosk--large" in phone.locator("body").get_attribute("class")
        assert_fits(phone, axe)
