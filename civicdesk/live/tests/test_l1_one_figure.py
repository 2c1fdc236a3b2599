"""Journey walk L1: the live ticket's screen-reader announcement and its shown figure disagreed.

- With a counter calling, starting and finishing, a screen reader heard "7 people ahead of you.
  About 44 minutes." while the page showed 37: the place was announced when it moved, and a
  later event (a start, a finish) changed the shown minutes but left the old announcement.
- In Chinese the announcement joined its sentences with ". " ("您前面有 2 人. 約 17 分鐘.").
"""

import re

import pytest
from playwright.sync_api import expect

from civicdesk.live.models import LiveEvent
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def desk(open_site):
    service = ServiceFactory(site=open_site, name="Passport renewal", prefix="A")
    counter = CounterFactory(site=open_site, name="3", services=[service])
    officer = StaffFactory(agency=open_site.agency, role=Role.FRONTLINE, sites=[open_site]).user
    return service, counter, officer


def _open(browser, server, path, *, language=None):
    context = browser.new_context(base_url=server.url, locale="en-GB")
    if language:
        context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(path)
    return page


def _settled(page, wait_js, mine):
    """Wait until the page has had every event published so far on its channels."""
    channels = [f"site:{mine.site_id}", f"ticket:{mine.token}"]
    last = LiveEvent.objects.filter(channel__in=channels).order_by("-id").first().id
    wait_js(page, f"Number(document.querySelector('[data-live]').dataset.lastEventId) >= {last}")


def _minutes(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def test_the_announcement_says_the_minutes_the_page_shows(asgi_server, browser, desk, wait_js):
    service, counter, officer = desk
    tickets = [services.ticket_issue(service=service, channel=Channel.KIOSK) for _ in range(5)]
    mine = tickets[-1]
    page = _open(browser, asgi_server, f"/live/ticket/{mine.token}/")
    wait_js(page, "document.querySelector('[data-live]').dataset.lastEventId !== undefined")
    announce, ahead, wait = (page.get_by_test_id(n) for n in ("announce", "ahead", "wait"))
    announced = 0
    for _ in range(3):
        called = services.ticket_call_next(actor=officer, counter=counter)
        steps = [
            lambda c=called: c,
            lambda c=called: services.ticket_start(actor=officer, ticket=c),
            lambda c=called: services.ticket_finish(actor=officer, ticket=c),
        ]
        for step in steps:
            step()
            _settled(page, wait_js, mine)
            said = announce.text_content().strip()
            shown_ahead, shown_wait = ahead.text_content(), wait.text_content()
            if said:  # nothing said since the place moved is fine; a stale figure is not
                announced += 1
                assert said == f"{shown_ahead}. {shown_wait}.", (said, shown_ahead, shown_wait)
                assert _minutes(said) == _minutes(shown_ahead) + _minutes(shown_wait)
    assert announced >= 3  # each call moved the place, and it was said


def test_a_chinese_announcement_joins_its_sentences_as_chinese_does(
    asgi_server, browser, desk, wait_js
):
    service, counter, officer = desk
    first = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    mine = services.ticket_issue(service=service, channel=Channel.KIOSK)
    page = _open(browser, asgi_server, f"/live/ticket/{mine.token}/", language="zh-hant")
    wait_js(page, "document.querySelector('[data-live]').dataset.lastEventId !== undefined")
    services.ticket_call_next(actor=officer, counter=counter)
    announce = page.get_by_test_id("announce")
    expect(announce).to_contain_text("您前面有1人")
    said = announce.text_content()
    assert ". " not in said and not said.endswith(".")
    assert (
        said
        == f"{page.get_by_test_id('ahead').text_content()}。{page.get_by_test_id('wait').text_content()}。"
    )
    assert first.number  # the one called
