"""Journey 5 in a real browser: Tuesday's time is full, the citizen joins its waitlist, is offered
a cancelled place by email, accepts (invite attached), checks in at the kiosk and is called
ahead of the walk-in who came before. Every page passes axe."""

import re
from datetime import datetime

import pytest
import time_machine
from icalendar import Calendar

from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues import appointments as appts
from civicdesk.queues import services
from civicdesk.queues.tests.conftest import HK
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=HK)
TUESDAY_SLOT = datetime(2026, 3, 3, 10, 30, tzinfo=HK)


def test_waitlist_offer_accept_and_kiosk_check_in(page, axe, agency):
    with time_machine.travel(MONDAY, tick=True) as clock:
        site = SiteFactory(agency=agency, code="HCC", name="Harbour Central")
        service = ServiceFactory(
            site=site,
            name="Passport renewal",
            prefix="A",
            appointments_enabled=True,
            slot_minutes=30,
            slot_capacity=1,
        )
        counter = CounterFactory(site=site, services=[service])
        officer = StaffFactory(agency=agency, sites=[site]).user
        slot = next(
            s
            for s in appts.slots_ensure(service=service, day=TUESDAY_SLOT.date())
            if s.starts_at == TUESDAY_SLOT
        )
        taken = appts.appointment_book(slot=slot, name="Early Bird", email="early@example.org")

        page.goto(f"/queues/HSG/HCC/appointments/?service={service.id}&day=2026-03-03")
        assert axe(page) == []
        page.get_by_role("link", name="Join the waitlist for 10:30").click()
        assert axe(page) == []
        page.get_by_label("Full name").fill("Siti Rahman")
        page.get_by_label("Email address").fill("siti@example.org")
        page.get_by_role("button", name="Join the waitlist").click()
        page.get_by_role("heading", name="You are on the waitlist").wait_for()
        assert axe(page) == []

        appts.appointment_cancel(appointment=taken)
        offer = OutboxMessage.objects.get(  # not the join's own confirmation (q1)
            to="siti@example.org", dedupe_key__endswith=":offer:email"
        )
        link = re.search(r"http://[^\s]+(/queues/offer/[^/\s]+/)", offer.body).group(1)
        page.goto(link)
        assert axe(page) == []
        page.get_by_role("button", name="Accept this time").click()
        page.wait_for_url("**/queues/appointment/**")
        reference = page.get_by_test_id("reference").inner_text()
        assert axe(page) == []
        confirmation = OutboxMessage.objects.get(to="siti@example.org", subject__startswith="Appo")
        invite = Calendar.from_ical(confirmation.attachments[0]["content"]).walk("VEVENT")[0]
        assert invite.decoded("dtstart") == TUESDAY_SLOT

        clock.move_to(datetime(2026, 3, 3, 10, 5, tzinfo=HK))
        walk_in = services.ticket_issue(service=service, channel="kiosk")
        clock.move_to(datetime(2026, 3, 3, 10, 15, tzinfo=HK))
        page.goto("/queues/HSG/HCC/kiosk/")
        page.get_by_role("link", name="I have an appointment").click()
        assert axe(page) == []
        page.get_by_label("Your booking reference").fill(reference.lower())
        page.get_by_role("button", name="Check in").click()
        page.wait_for_url("**/kiosk/ticket/**")
        assert page.get_by_test_id("number").inner_text() == "A002"
        assert axe(page) == []

        first = services.ticket_call_next(actor=officer, counter=counter)
        assert first.lane == "appointment" and first.pk != walk_in.pk
