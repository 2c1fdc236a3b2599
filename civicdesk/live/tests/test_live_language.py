"""A live ticket page in Malay stays in Malay as events arrive: events carry status codes and
the page words them in its own language (one snapshot serves every page, whatever language)."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from civicdesk.live.snapshot import ticket_snapshot
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory


@pytest.mark.django_db
def test_ticket_snapshot_does_not_depend_on_the_active_language(open_site):
    service = ServiceFactory(site=open_site, prefix="A")
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    with translation.override("ms"):
        in_malay = ticket_snapshot(ticket)
    with translation.override("zh-hant"):
        in_chinese = ticket_snapshot(ticket)
    assert in_malay == in_chinese
    assert in_malay["status"] == "waiting"


@pytest.mark.browser
def test_malay_live_ticket_page_stays_malay_when_called_and_served(
    asgi_server, browser, axe, open_site, wait_js
):
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    counter = CounterFactory(site=open_site, name="3", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    mine = services.ticket_issue(service=service, channel=Channel.KIOSK)

    context = browser.new_context(base_url=asgi_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/language/ms/?next=/live/ticket/{mine.token}/")
    assert page.locator("html").get_attribute("lang") == "ms"
    expect(page.get_by_test_id("status")).to_have_text("Menunggu")
    wait_js(page, "document.querySelector('[data-connection]').hidden")

    with translation.override("en"):  # the officer works in English
        services.ticket_call_next(actor=officer, counter=counter)
    expect(page.get_by_test_id("called-counter")).to_have_text("3")
    expect(page.get_by_test_id("status")).to_have_text("Dipanggil")
    expect(page.get_by_test_id("announce")).to_have_text(
        "Sekarang giliran anda. Sila ke kaunter 3."
    )
    with translation.override("en"):
        services.ticket_start(actor=officer, ticket=mine)
        services.ticket_finish(actor=officer, ticket=mine)
    expect(page.get_by_test_id("status")).to_have_text("Telah dilayan")
    expect(page.get_by_test_id("announce")).to_have_text("Tiket anda telah ditutup: Telah dilayan.")
    assert axe(page) == []
    context.close()
