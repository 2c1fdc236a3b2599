"""Journey walk H1: what the live pages say to a screen reader, and how they keep up.

- The live ticket said "Your ticket is closed: Being served." when serving started, stayed
  silent at a recall and at a transfer (whose page kept the old service's name).
- The board's now-calling line (an assertive live region) was rebuilt at every queue change, so
  a screen reader re-read the same call at every join.
- A board whose stream was answered with a 502 (a proxy while the server restarts) stopped
  updating for good, with nothing on screen to say so.
"""

import pytest
from playwright.sync_api import expect

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.queues import services
from civicdesk.queues.models import Channel, TicketStatus
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser]


def _page(browser, server):
    context = browser.new_context(base_url=server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def desk(open_site):
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    service.recall_gap_seconds = 0
    service.save()
    payments = ServiceFactory(site=open_site, name="Payments", prefix="B")
    counter = CounterFactory(site=open_site, name="3", services=[service, payments])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    return service, payments, counter, officer


def test_live_ticket_tells_a_recall_serving_and_a_transfer(asgi_server, browser, axe, desk):
    service, payments, counter, officer = desk
    mine = services.ticket_issue(service=service, channel=Channel.REMOTE)
    page = _page(browser, asgi_server)
    page.goto(f"/live/ticket/{mine.token}/")
    announce = page.get_by_test_id("announce")

    services.ticket_call_next(actor=officer, counter=counter)
    expect(announce).to_have_text("It is your turn. Please go to counter 3.")
    page.evaluate("document.querySelector('[data-announce]').textContent = ''")
    services.ticket_recall(actor=officer, ticket=mine)
    expect(announce).to_have_text("It is your turn. Please go to counter 3.")

    services.ticket_start(actor=officer, ticket=mine)
    expect(page.get_by_test_id("status")).to_have_text("Being served")
    expect(announce).to_have_text("Being served")

    services.ticket_transfer(actor=officer, ticket=mine, service=payments)
    expect(page.get_by_test_id("status")).to_have_text("Waiting")
    expect(announce).to_contain_text("You are now in the queue for Payments")
    expect(page.locator("[data-service-name]")).to_have_text("Payments")
    assert axe(page) == []

    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=mine)
    services.ticket_finish(actor=officer, ticket=mine)
    expect(announce).to_have_text("Your ticket is closed: Served.")


def test_board_rereads_the_call_only_when_it_changes(asgi_server, browser, desk, wait_js):
    service, _payments, counter, officer = desk
    first = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    board = _page(browser, asgi_server)
    board.goto(f"/live/{service.site.agency.code}/HCC/board/")
    expect(board.get_by_test_id("now-number")).to_have_text(first.number)
    board.evaluate(
        """() => { window.nowChanges = 0;
        new MutationObserver(() => { window.nowChanges += 1; })
          .observe(document.querySelector('[data-now]'), {childList: true, subtree: true}); }"""
    )
    later = services.ticket_issue(service=service, channel=Channel.KIOSK)
    expect(board.get_by_test_id("next-A")).to_have_text(later.number)
    assert board.evaluate("window.nowChanges") == 0
    services.ticket_recall(actor=officer, ticket=first)
    wait_js(board, "window.nowChanges > 0")


def test_board_comes_back_after_its_stream_was_refused(asgi_server, browser, desk):
    service, _payments, counter, officer = desk
    board = _page(browser, asgi_server)
    refused = []

    def refuse_once(route):
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=502, body="Bad gateway")
        else:
            route.continue_()

    board.route("**/board/events*", refuse_once)
    board.goto(f"/live/{service.site.agency.code}/HCC/board/")
    expect(board.locator("[data-connection]")).to_be_visible()
    # Told once to screen readers, through a status region there from the start.
    expect(board.get_by_role("status").filter(has_text="Reconnecting…")).to_have_count(1)
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    # Reopened from the last event seen: the call made while it was away is shown.
    expect(board.get_by_test_id("now-number")).to_have_text(ticket.number)
    expect(board.locator("[data-connection]")).to_be_hidden()
    expect(board.get_by_role("status").filter(has_text="Reconnecting…")).to_have_count(0)
    assert refused


def test_counter_transfer_by_keyboard_chooses_the_service_first(
    asgi_server, browser, desk, wait_js
):
    service, payments, counter, officer = desk
    third = ServiceFactory(site=service.site, name="Licences", prefix="C")
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    page = _page(browser, asgi_server)
    sign_in(page, officer)
    page.goto(f"/queues/staff/counters/{counter.id}/")
    wait_js(page, "document.body.dataset.shortcutsReady === 'true'")
    with page.expect_navigation():
        page.keyboard.press("n")  # the counter was closed: calling opens it
    wait_js(page, "document.body.dataset.shortcutsReady === 'true'")
    page.keyboard.press("t")  # the list of services gets focus; nothing is sent yet
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED
    select = page.get_by_label("Transfer to")
    expect(select).to_be_focused()
    select.select_option(label="Licences")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING
    assert ticket.service_id == third.id != payments.id


def test_board_says_the_chime_is_off_when_the_browser_refuses_to_play_it(
    asgi_server, browser, desk
):
    service, _payments, counter, officer = desk
    board = _page(browser, asgi_server)
    board.add_init_script(
        """HTMLMediaElement.prototype.play = function () {
          return Promise.reject(new DOMException("no click yet", "NotAllowedError")); };"""
    )
    board.goto(f"/live/{service.site.agency.code}/HCC/board/?chime=on")
    toggle = board.get_by_role("button", name="Turn the chime off")
    expect(toggle).to_be_visible()
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    expect(board.get_by_role("button", name="Turn the chime on")).to_be_visible()
