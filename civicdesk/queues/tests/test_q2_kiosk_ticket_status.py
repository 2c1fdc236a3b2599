"""Journey walk (Mr Lim at the kiosk): once A001 was served, reloading the kiosk ticket page still
said "You are next. Less than a minute." It now shows the ticket's state in the ticket page's
words: called, the counter to go to; served, did not come or cancelled, that it is closed."""

import pytest

from civicdesk.queues import services
from civicdesk.queues.models import Channel

pytestmark = pytest.mark.django_db


def _page(client, ticket) -> str:
    response = client.get(f"/queues/kiosk/ticket/{ticket.token}/")
    assert response.status_code == 200
    return response.content.decode()


def test_waiting_says_the_place(client, clock, service, counter):
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    page = _page(client, ticket)
    assert "You are next." in page
    assert "Print ticket" in page


def test_called_says_which_counter(client, clock, service, counter, officer):
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    page = _page(client, ticket)
    assert "You are next." not in page
    assert "It is your turn" in page
    assert f"Please go to counter {counter.name}" in page


def test_served_says_it_is_closed(client, clock, service, counter, officer):
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=ticket)
    services.ticket_finish(actor=officer, ticket=ticket)
    page = _page(client, ticket)
    assert "You are next." not in page
    assert "Less than a minute." not in page
    assert "Your ticket is closed: Served." in page
    assert "Print ticket" not in page
    assert "Done" in page  # the kiosk can still be reset for the next visitor


def test_cancelled_says_it_is_closed(client, clock, service):
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_cancel(ticket=ticket)
    page = _page(client, ticket)
    assert "You are next." not in page
    assert "Your ticket is closed: Cancelled." in page


def test_being_served_says_so(client, clock, service, counter, officer):
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=ticket)
    page = _page(client, ticket)
    assert "You are next." not in page
    assert "Being served" in page
