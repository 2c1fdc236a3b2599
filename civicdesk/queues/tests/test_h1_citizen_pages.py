"""Journey walk H1 (Mr Lim at the kiosk, Aisha from home, an appointment and its waitlist): what
a first-time citizen read that was wrong, and the officer's counter by keyboard alone."""

from datetime import timedelta

import pytest
import time_machine

from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import appointments as appts
from civicdesk.queues import services
from civicdesk.queues.models import Channel, Counter, TicketStatus
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db

PASSPORT = {"zh-hant": "護照續期", "ms": "Pembaharuan pasport"}
CENTRE = {"zh-hant": "海港中區中心", "ms": "Pusat Harbour Central"}


def _in(client, language: str):
    client.get(f"/language/{language}/?next=/")
    return client


@pytest.fixture
def named(site, service):
    site.names, service.names = CENTRE, PASSPORT
    site.save()
    service.save()
    return site, service


def test_join_page_lists_the_services_to_choose_in_the_visitors_language(client, clock, named):
    page = _in(client, "ms").get("/queues/HSG/HCC/").content.decode()
    # The radio buttons Aisha chooses from, not only the table above them.
    assert 'class="govuk-label govuk-radios__label"' in page
    assert "Passport renewal" not in page
    assert page.count("Pembaharuan pasport") >= 2


def test_a_closed_office_is_named_in_the_visitors_language(client, named):
    _site, service = named
    with time_machine.travel(OPEN_MORNING.replace(hour=23), tick=False):
        response = _in(client, "zh-hant").post(
            "/queues/HSG/HCC/", {"service": service.id, "lane": "normal"}
        )
    page = response.content.decode()
    assert "海港中區中心" in page
    assert "Harbour Central is closed" not in page


def test_kiosk_ticket_says_you_are_next_not_zero_people_and_zero_minutes(client, clock, service):
    client.post("/queues/HSG/HCC/kiosk/", {"service": service.id, "lane": "elderly"})
    ticket = service.tickets.get()
    page = client.get(f"/queues/kiosk/ticket/{ticket.token}/").content.decode()
    assert "You are next." in page
    assert "0 people ahead" not in page


def test_ticket_page_drops_the_promise_of_messages_once_the_visit_is_over(
    client, clock, counter, officer, service
):
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE, email="a@example.org")
    url = f"/queues/ticket/{ticket.token}/"
    promise = "We will send a message when"  # h4: the promise now says which messages
    assert promise in client.get(url).content.decode()
    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=ticket)
    services.ticket_finish(actor=officer, ticket=ticket)
    assert promise not in client.get(url).content.decode()


def test_ticket_page_says_less_than_a_minute_rather_than_about_zero(
    client, clock, counter, officer, service
):
    services.counter_open(actor=officer, counter=counter)
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE)
    page = client.get(f"/queues/ticket/{ticket.token}/").content.decode()
    assert "Less than a minute" in page
    assert "About 0 minutes" not in page


def test_kiosk_check_in_without_a_reference_says_what_to_enter(client, clock, site):
    page = client.post("/queues/HSG/HCC/kiosk/check-in/", {"reference": ""}).content.decode()
    assert "Enter your booking reference." in page
    assert "This field is required." not in page


@pytest.fixture
def offered(clock, service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    slot = slot_at(service, 14)
    first = book(slot)
    entry = appts.waitlist_join(slot=slot, name="Siti", email="siti@example.org", language="en")
    appts.appointment_cancel(appointment=first)
    entry.refresh_from_db()
    return entry


def test_declining_does_not_claim_the_place_went_to_someone_when_nobody_waits(client, offered):
    response = client.post(f"/queues/offer/{offered.token}/", {"action": "decline"})
    message = OutboxMessage.objects.get(dedupe_key=f"queues:waitlist:{offered.pk}:withdrawn:email")
    assert "next person" not in message.body
    # The page after declining is not a dead end: another time can be chosen.
    page = response.content.decode()
    assert f"/queues/HSG/HCC/appointments/?service={offered.slot.service_id}" in page


def test_an_offer_that_ran_out_does_not_claim_it_went_to_someone_else(offered):
    with time_machine.travel(offered.offer_expires_at + timedelta(minutes=1), tick=False):
        appts.waitlist_expire_due()
    message = OutboxMessage.objects.get(dedupe_key=f"queues:waitlist:{offered.pk}:withdrawn:email")
    assert "next person" not in message.body
    assert "/queues/HSG/HCC/appointments/" in message.body


# --- the officer's counter, keyboard alone --------------------------------------------------------
def test_call_next_at_a_closed_counter_opens_it_first(client, clock, counter, officer, service):
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    assert not counter.is_open
    client.force_login(officer)
    client.post(f"/queues/staff/counters/{counter.id}/act/", {"action": "call_next"})
    counter = Counter.objects.get(pk=counter.pk)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED
    assert counter.is_open and counter.officer.user == officer


def test_every_counter_action_has_a_shortcut(client, clock, counter, officer, service):
    client.force_login(officer)
    url = f"/queues/staff/counters/{counter.id}/"
    closed = client.get(url).content.decode()
    assert 'value="open" data-shortcut="c"' in closed
    held = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=held)
    services.ticket_hold(actor=officer, ticket=held, note="fetching a document")
    page = client.get(url).content.decode()
    assert 'value="resume" data-shortcut="u"' in page
    services.ticket_resume(actor=officer, ticket=held, counter=counter)
    from civicdesk.queues.tests.factories import ServiceFactory

    ServiceFactory(site=counter.site, name="Payments", prefix="B")
    page = client.get(url).content.decode()
    # T chooses where to transfer (the list), it does not transfer to the first on the list.
    assert 'data-shortcut-focus="t"' in page
    assert 'value="transfer" data-shortcut' not in page
