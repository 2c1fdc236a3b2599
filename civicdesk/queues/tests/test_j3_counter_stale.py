"""The counter screen's buttons act on the visitor at that counter only. A form from another tab
or a screen out of date finished (or started) the visitor another officer had called to another
counter; and a second press answered with the workflow's codes ("cannot go from serving to
serving") instead of what the ticket is now."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Channel, Ticket, TicketStatus
from civicdesk.queues.tests.factories import CounterFactory

pytestmark = pytest.mark.django_db


def _texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def two_counters(clock, site, service, counter, officer):
    other = CounterFactory(site=site, name="2", services=[service])
    colleague = StaffFactory(agency=site.agency, role=Role.FRONTLINE, sites=[site]).user
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.counter_open(actor=colleague, counter=other)
    theirs = services.ticket_call_next(actor=colleague, counter=other)
    return other, theirs


@pytest.mark.parametrize("action", ["start", "finish", "hold", "no_show", "recall", "transfer"])
def test_a_counter_cannot_act_on_the_visitor_at_another_counter(
    client, two_counters, counter, officer, other_service, action
):
    _other, theirs = two_counters
    client.force_login(officer)
    response = client.post(
        reverse("queues:counter_act", args=[counter.id]),
        {"action": action, "ticket": theirs.id, "transfer-service": other_service.id},
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == TicketStatus.CALLED
    assert theirs.service_id != other_service.id
    assert _texts(response) == [
        f"{theirs.number} is not at this counter any more. Nothing was changed."
    ]


def test_a_second_press_says_what_the_ticket_is_now(client, clock, service, counter, officer):
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    client.force_login(officer)
    url = reverse("queues:counter_act", args=[counter.id])
    client.post(url, {"action": "call_next"})
    ticket = Ticket.objects.get()
    client.post(url, {"action": "start", "ticket": ticket.id})
    response = client.post(url, {"action": "start", "ticket": ticket.id})
    assert _texts(response)[-1] == f"Nothing was changed: {ticket.number} is now “Being served”."
    client.post(url, {"action": "finish", "ticket": ticket.id})
    response = client.post(url, {"action": "finish", "ticket": ticket.id})
    assert _texts(response)[-1] == f"Nothing was changed: {ticket.number} is now “Served”."
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE
