"""The manager overview follows counters opening and closing (no ticket moves), and names sites
and services in the manager's language, also as it updates (it showed the base names)."""

import pytest
from playwright.sync_api import expect

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser]


def test_overview_follows_counters_in_the_managers_language(asgi_server, browser, open_site):
    open_site.names = {"zh-hant": "海港中區中心"}
    open_site.save()
    service = ServiceFactory(site=open_site, name="Payments", prefix="B", names={"zh-hant": "繳費"})
    counter = CounterFactory(site=open_site, name="1", services=[service])
    manager = StaffFactory(agency=open_site.agency, role=Role.TEAM_LEAD, sites=[open_site]).user
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    context = browser.new_context(base_url=asgi_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, manager)
    page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hant", "url": asgi_server.url}]
    )
    page.goto("/live/overview/")
    opened = page.get_by_test_id(f"open-counters-{open_site.id}")
    expect(opened).to_have_text("0")
    expect(page.get_by_role("heading", name="海港中區中心")).to_be_visible()
    expect(page.locator("[data-services]")).to_contain_text("繳費")
    services.counter_open(actor=officer, counter=counter)
    expect(opened).to_have_text("1")
    services.ticket_issue(service=service, channel=Channel.REMOTE)
    expect(page.get_by_test_id(f"waiting-{service.id}")).to_have_text("1")
    expect(page.locator("[data-services]")).to_contain_text("繳費")
    expect(page.locator("[data-services]")).not_to_contain_text("Payments")
    services.counter_close(actor=officer, counter=counter)
    expect(opened).to_have_text("0")
