"""On a 375 px phone the trend chart's text is readable: its labels are drawn at least 12 CSS px
tall (not the 6 px of a 640-unit chart shrunk to the screen), the period labels that would then
overlap give way (the table beside the chart keeps every period), and axe stays clean. On a wide
screen every period is labelled, at the usual size."""

from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from civicdesk.core.clock import now
from civicdesk.organisations.tests.factories import AgencyFactory, SiteFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HK = ZoneInfo("Asia/Hong_Kong")

# Each text of each chart: shown or not, and where it is drawn.
TEXTS = """() => [...document.querySelectorAll('svg.pledge-chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const text = [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {cls: t.getAttribute('class'), label: t.textContent,
            shown: getComputedStyle(t).display !== 'none',
            left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height};
  });
  return {left: box.left, right: box.right, top: box.top, bottom: box.bottom, text};
})"""


def _a_year_of_figures():
    """A monthly pledge with visitors in each of the last twelve months: twelve bars."""
    housing = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    service = ServiceFactory(site=SiteFactory(agency=housing, name="North"), prefix="A")
    month = now().astimezone(HK).date().replace(day=1)
    for _ in range(12):
        month = (month - timedelta(days=1)).replace(day=1)
        for wait in (5, 10, 30):
            make_ticket(service=service, joined=datetime(month.year, month.month, 7, 10,
                        tzinfo=HK), wait_minutes=wait)  # fmt: skip
    recompute_pledge(make_pledge(agency=housing, metric="tickets_within", target=80, threshold=20))
    return month


def _charts(page):
    charts = page.evaluate(TEXTS)
    assert charts, "no chart on the page"
    return charts


def test_chart_text_is_readable_on_a_phone(browser, live_server, axe):
    _a_year_of_figures()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    for code in ("en", "zh-hant"):
        page.goto(f"/language/{code}/?next=/pledges/HSG/")
        for chart in _charts(page):
            shown = [t for t in chart["text"] if t["shown"]]
            labels = [t for t in shown if t["cls"] == "pledge-chart__label"]
            axis = [t for t in shown if t["cls"] == "pledge-chart__axis"]
            assert len(labels) >= 6 and axis
            for t in shown:
                assert t["height"] >= 12, f"{code}: {t['label']!r} is {t['height']:.1f} px tall"
                # Drawn inside the chart, not cut off at its edges.
                assert chart["left"] - 1 <= t["left"] and t["right"] <= chart["right"] + 1
                assert chart["top"] - 1 <= t["top"] and t["bottom"] <= chart["bottom"] + 1
            for before, after in pairwise(labels):
                assert before["right"] < after["left"], (before["label"], after["label"])
            # The latest period is always labelled; the table beside has them all.
            assert [t for t in chart["text"] if t["cls"] == "pledge-chart__label"][-1]["shown"]
        assert page.locator("main table").first.locator("tbody tr").count() == 12
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert axe(page) == []
    context.close()


def test_every_period_is_labelled_at_the_usual_size_on_a_wide_screen(browser, live_server):
    _a_year_of_figures()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/language/en/?next=/pledges/HSG/")
    for chart in _charts(page):
        labels = [t for t in chart["text"] if t["cls"] == "pledge-chart__label"]
        assert len(labels) == 12 and all(t["shown"] for t in labels)
        assert all(12 <= t["height"] <= 20 for t in chart["text"])
    context.close()
