"""The kiosk in a real browser, from /kiosk/ where it is set up: every kiosk page (start, the
priority step, the ticket shown, the appointment check-in and its ticket) has the kiosk's own
layout, passes axe, offers no way out but back to this kiosk's start, and the header link
gets there."""

import re
from datetime import datetime

import pytest
import time_machine

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues import appointments as appts
from civicdesk.queues.tests.conftest import HK
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TUESDAY_10 = datetime(2026, 3, 3, 10, 0, tzinfo=HK)
KIOSK = "/queues/HSG/HCC/kiosk/"


def _assert_stays_in_kiosk(page, axe) -> None:
    assert axe(page) == []
    assert (
        page.locator(".govuk-service-navigation, .govuk-language-navigation, footer").count() == 0
    )
    assert page.get_by_role("link", name="Staff sign in").count() == 0
    assert page.get_by_role("link", name="Home").count() == 0
    assert page.get_by_role("main").count() == 1 and page.get_by_role("banner").count() == 1
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in hrefs:
        assert href.startswith((KIOSK, "/queues/kiosk/ticket/", "?", "#")) or re.fullmatch(
            r"/language/[\w-]+/\?next=/queues/(HSG/HCC/kiosk/|kiosk/ticket/)\S*", href
        ), href
    start = page.get_by_test_id("kiosk-start")
    assert start.get_attribute("href").startswith(KIOSK)
    assert "Harbour Central" in start.inner_text()


def test_every_kiosk_page_keeps_the_visitor_in_the_kiosk(page, axe, agency):
    with time_machine.travel(TUESDAY_10, tick=True):
        site = SiteFactory(agency=agency, code="HCC", name="Harbour Central")
        service = ServiceFactory(site=site, name="Passport renewal", prefix="A",
                                 appointments_enabled=True, slot_minutes=30, slot_capacity=1)  # fmt: skip
        slot = next(
            s
            for s in appts.slots_ensure(service=service, day=TUESDAY_10.date())
            if s.starts_at == TUESDAY_10.replace(hour=10, minute=30)
        )
        booked = appts.appointment_book(slot=slot, name="Wei", email="wei@example.org")

        page.goto("/kiosk/")  # whoever sets the kiosk up
        assert axe(page) == []
        page.get_by_role("link", name="Harbour Central").click()
        page.wait_for_url(f"**{KIOSK}")
        _assert_stays_in_kiosk(page, axe)
        assert page.locator(".queues-kiosk__languages a").count() >= 2  # its own, once

        page.get_by_role("button", name=re.compile("Passport renewal")).click()
        page.get_by_role("heading", name="Do you need priority?").wait_for()
        _assert_stays_in_kiosk(page, axe)
        page.get_by_role("button", name="No priority").click()
        page.wait_for_url("**/kiosk/ticket/**")
        assert page.get_by_test_id("number").inner_text() == "A001"
        _assert_stays_in_kiosk(page, axe)

        page.get_by_test_id("kiosk-start").click()  # the way back: the kiosk's start
        page.get_by_role("heading", name="What do you need?").wait_for()
        page.get_by_role("link", name="I have an appointment").click()
        page.get_by_role("heading", name="Check in for your appointment").wait_for()
        _assert_stays_in_kiosk(page, axe)
        page.get_by_label(re.compile("reference", re.I)).fill(booked.reference)
        page.get_by_role("button", name="Check in").click()
        page.wait_for_url("**/kiosk/ticket/**")
        _assert_stays_in_kiosk(page, axe)
        page.get_by_test_id("kiosk-start").click()
        page.wait_for_url(f"**{KIOSK}")
