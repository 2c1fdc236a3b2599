"""The performance page in a real browser: filters by keyboard, the chart, axe-core clean."""

import re

import pytest
from playwright.sync_api import expect

from civicdesk.insights.tests.test_performance_scenario import build
from civicdesk.organisations.tests.pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_narrows_the_figures_and_the_page_passes_axe(page, axe, agency):
    scenario = build(agency)
    sign_in(page, scenario.qsm.user)
    page.get_by_role("link", name="Performance").click()
    expect(page.get_by_role("heading", name="Staff and team performance")).to_be_visible()
    assert axe(page) == []

    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("From", exact=True).fill("2026-03-03")
    page.get_by_label("To", exact=True).fill("2026-03-03")
    page.get_by_label("Team", exact=True).select_option(label="Team Two")
    page.get_by_label("To", exact=True).press("Enter")
    officers = page.get_by_test_id("officers-table")
    expect(officers.get_by_role("rowheader", name="Bob Officer")).to_be_visible()
    expect(officers.get_by_role("rowheader", name="Alice Officer")).to_have_count(0)
    expect(officers.locator('[data-metric="index"]')).to_have_text(["1.12"])
    expect(page.get_by_role("img", name=re.compile("Case-mix index by day"))).to_be_visible()
    page.get_by_text("What each figure means").click()
    expect(
        page.get_by_text("A slow officer on hard services is not a slow officer")
    ).to_be_visible()
    assert axe(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table (CSV)").nth(1).click()
    assert download.value.suggested_filename.startswith("performance-officers-")


def test_an_officer_sees_their_own_figures_only(page, axe, agency):
    scenario = build(agency)
    sign_in(page, scenario.alice.user)
    page.goto("/staff/insights/performance/?period=week&on=2026-03-03")
    table = page.get_by_test_id("officers-table")
    expect(table.get_by_role("rowheader", name="Alice Officer")).to_be_visible()
    expect(page.get_by_text("Bob Officer")).to_have_count(0)
    assert axe(page) == []
