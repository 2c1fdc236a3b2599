"""A visitor who joined with a mobile number or email and joins the same queue again the same day
(from home, then again from the QR code at the door; or a second press) got a second ticket: two
places, two sets of messages, and a longer queue for everyone. They now keep the ticket they
have, the link to it is sent again to that number or address (never shown to whoever typed it),
and no number is used up."""

import pytest

from civicdesk.core.errors import Conflict
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel, Ticket
from civicdesk.queues.tests.test_concurrency import _skip_in_memory_sqlite, run_in_threads

pytestmark = pytest.mark.django_db


def _links_sent(ticket) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(dedupe_key__startswith=f"queues:ticket:{ticket.pk}:link:")
    )


def test_same_phone_in_another_form_keeps_the_first_ticket(clock, service):
    first = services.ticket_issue(service=service, channel=Channel.REMOTE, phone="+852 9123 4567")
    with pytest.raises(Conflict) as refused:
        services.ticket_issue(service=service, channel=Channel.REMOTE, phone="91234567")
    assert refused.value.code == "already_queued"
    assert "A001" in refused.value.message
    assert Ticket.objects.count() == 1
    (sms,) = _links_sent(first)
    assert sms.channel == "sms" and sms.to == "+852 9123 4567"
    assert f"/queues/ticket/{first.token}/" in sms.body
    # The refused join used no number: the next visitor gets A002.
    assert services.ticket_issue(service=service, channel=Channel.KIOSK).number == "A002"


def test_same_email_any_case_at_the_kiosk(clock, service):
    first = services.ticket_issue(
        service=service, channel=Channel.REMOTE, email="Aisha@Example.org"
    )
    with pytest.raises(Conflict):
        services.ticket_issue(service=service, channel=Channel.KIOSK, email="aisha@example.org")
    (mail,) = _links_sent(first)
    assert mail.channel == "email" and mail.to == "Aisha@Example.org"


def test_the_link_is_sent_again_at_most_every_ten_minutes(clock, service):
    first = services.ticket_issue(service=service, channel=Channel.REMOTE, phone="91234567")
    for _ in range(3):
        with pytest.raises(Conflict):
            services.ticket_issue(service=service, channel=Channel.REMOTE, phone="91234567")
    assert len(_links_sent(first)) == 1
    clock.shift(601)
    with pytest.raises(Conflict):
        services.ticket_issue(service=service, channel=Channel.REMOTE, phone="91234567")
    assert len(_links_sent(first)) == 2


def test_what_still_gets_a_ticket(clock, service, other_service, counter, officer):
    first = services.ticket_issue(service=service, channel=Channel.REMOTE, phone="91234567")
    # Another service of the site: a second errand is a second queue.
    services.ticket_issue(service=other_service, channel=Channel.REMOTE, phone="91234567")
    # Another number that merely ends alike.
    services.ticket_issue(service=service, channel=Channel.REMOTE, phone="+852 6123 4567")
    # Once the first visit is over, the same visitor may queue again.
    services.counter_open(actor=officer, counter=counter)
    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=first)
    services.ticket_finish(actor=officer, ticket=first)
    again = services.ticket_issue(service=service, channel=Channel.REMOTE, phone="91234567")
    assert again.pk != first.pk
    # Staff at the door decide for themselves.
    door = StaffFactory(agency=service.site.agency, role=Role.FRONTLINE, sites=[service.site])
    services.ticket_issue(service=service, channel=Channel.STAFF, actor=door.user, phone="91234567")
    assert Ticket.objects.filter(service=service).count() == 4


def test_join_page_says_so_and_makes_no_second_ticket(client, clock, service, site):
    url = f"/queues/{site.agency.code}/{site.code}/"
    data = {"service": service.id, "lane": "normal", "phone": "+852 9123 4567"}
    assert client.post(url, data).status_code == 302
    page = client.post(url, {**data, "phone": "9123 4567"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "already has ticket A001 in the queue for Passport renewal today" in text
    assert "We have sent the link to that ticket again." in text
    assert Ticket.objects.count() == 1


def test_api_answers_409(client, clock, service):
    body = {"service_id": service.id, "email": "aisha@example.org"}
    first = client.post("/api/v1/queues/tickets", body, content_type="application/json")
    assert first.status_code == 201
    again = client.post("/api/v1/queues/tickets", body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_queued"
    assert first.json()["token"] not in again.content.decode()
    assert (
        OutboxMessage.objects.filter(to="aisha@example.org", dedupe_key__contains=":link:").count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_joins_at_the_same_instant_make_one_ticket(clock, service):
    _skip_in_memory_sqlite()

    def work(_index):
        try:
            return services.ticket_issue(
                service=service, channel=Channel.REMOTE, phone="91234567"
            ).number
        except Conflict:
            return None

    results = run_in_threads(6, work)
    assert sorted(r for r in results if r) == ["A001"]
    assert Ticket.objects.count() == 1
