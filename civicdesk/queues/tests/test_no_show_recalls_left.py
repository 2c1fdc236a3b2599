"""Counter actions a person would trip on: marking a no-show too early said "2 recall(s) left"; a
visitor on hold could be resumed at a counter that does not serve them."""

import pytest

from civicdesk.core.errors import Conflict
from civicdesk.queues import services
from civicdesk.queues.models import Channel

pytestmark = pytest.mark.django_db


def _refusal(officer, ticket) -> str:
    with pytest.raises(Conflict) as refused:
        services.ticket_no_show(actor=officer, ticket=ticket)
    return refused.value.message


def test_the_recalls_left_are_counted_in_words(clock, service, counter, officer):
    service.max_recalls, service.recall_gap_seconds = 2, 0
    service.save()
    services.counter_open(actor=officer, counter=counter)
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    ticket = services.ticket_call_next(actor=officer, counter=counter)
    assert _refusal(officer, ticket) == "Recall A001 first: 2 recalls left before a no-show."
    ticket = services.ticket_recall(actor=officer, ticket=ticket)
    assert _refusal(officer, ticket) == "Recall A001 first: 1 recall left before a no-show."


def test_resume_only_at_a_counter_that_serves_the_visitor(
    clock, site, service, other_service, counter, officer
):
    """A tampered counter form could take a visitor on hold to a desk that does not serve them."""
    from civicdesk.queues.models import TicketStatus
    from civicdesk.queues.tests.factories import CounterFactory

    payments_only = CounterFactory(site=site, name="9", services=[other_service])
    services.counter_open(actor=officer, counter=counter)
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    ticket = services.ticket_call_next(actor=officer, counter=counter)
    ticket = services.ticket_start(actor=officer, ticket=ticket)
    ticket = services.ticket_hold(actor=officer, ticket=ticket)
    with pytest.raises(Conflict) as refused:
        services.ticket_resume(actor=officer, ticket=ticket, counter=payments_only)
    assert refused.value.code == "wrong_counter"
    assert refused.value.message == "Counter 9 does not serve Passport renewal."
    ticket.refresh_from_db()
    assert (ticket.status, ticket.counter_id) == (TicketStatus.ON_HOLD, counter.id)
    resumed = services.ticket_resume(actor=officer, ticket=ticket)
    assert (resumed.status, resumed.counter_id) == (TicketStatus.SERVING, counter.id)
