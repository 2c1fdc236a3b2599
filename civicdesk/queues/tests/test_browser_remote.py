"""Journey 4, the queue part, in a real browser: Aisha opens the join page from the QR code in
Malay, joins with her mobile number and "tell me at 3 ahead", follows her ticket, gets one SMS
when three are ahead and one when called, and sees her counter. Every page passes axe."""

import pytest
import time_machine

from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Ticket
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serve_next(officer, counter):
    ticket = services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=ticket)
    services.ticket_finish(actor=officer, ticket=ticket)


def test_aisha_joins_from_the_qr_code_and_is_told(page, axe, agency, live_server):
    with time_machine.travel(OPEN_MORNING, tick=True):
        site = SiteFactory(agency=agency, code="HCC", name="Harbour Central")
        service = ServiceFactory(site=site, name="Passport renewal", prefix="A")
        counter = CounterFactory(site=site, name="4", services=[service])
        officer = StaffFactory(agency=agency, sites=[site]).user
        for _ in range(5):
            services.ticket_issue(service=service, channel="kiosk")

        qr = page.request.get(f"/queues/HSG/HCC/qr.svg?service={service.id}")
        assert qr.ok and qr.headers["content-type"] == "image/svg+xml"
        page.goto(f"/language/ms/?next=/queues/HSG/HCC/%3Fservice%3D{service.id}")
        assert page.locator("html").get_attribute("lang") == "ms"
        assert axe(page) == []
        page.locator("#id_phone").fill("+60 12 345 6789")
        page.locator("#id_notify_ahead").select_option("3")
        page.locator("form[method=post] button[type=submit]").click()
        page.wait_for_url("**/queues/ticket/**")
        assert "A006" in page.get_by_role("heading", level=1).inner_text()
        assert page.get_by_test_id("ahead").inner_text() == "5"
        assert axe(page) == []
        aisha = Ticket.objects.get(sequence=6)
        assert aisha.language == "ms" and aisha.notify_ahead == 3

        serve_next(officer, counter)
        assert not OutboxMessage.objects.exists()
        serve_next(officer, counter)
        near = OutboxMessage.objects.get()
        assert near.channel == "sms" and near.to == "+60 12 345 6789"
        page.reload()
        assert page.get_by_test_id("ahead").inner_text() == "3"
        for _ in range(3):
            serve_next(officer, counter)
        assert services.ticket_call_next(actor=officer, counter=counter).pk == aisha.pk
        assert OutboxMessage.objects.count() == 2
        page.reload()
        assert "4" in page.get_by_test_id("called-panel").inner_text()
        assert axe(page) == []
