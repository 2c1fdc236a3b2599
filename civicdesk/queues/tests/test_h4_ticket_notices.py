"""Journey walk H4 (Aisha joins from home): the ticket page promised "a message when your turn is
near" to every visitor who left a number, but that message goes only to one who chose when (people
ahead or minutes of wait). It now says which messages will come, and when."""

import pytest

from civicdesk.queues import services
from civicdesk.queues.models import Channel

pytestmark = pytest.mark.django_db

NEAR = "We will send a message when your turn is near"


def _page(client, ticket) -> str:
    return client.get(f"/queues/ticket/{ticket.token}/").content.decode()


def test_a_number_without_a_choice_is_promised_only_the_call(client, clock, service):
    for _ in range(5):
        services.ticket_issue(service=service, channel=Channel.KIOSK)
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE, phone="+852 9123 4567")
    page = _page(client, ticket)
    assert NEAR not in page
    assert "We will send a message when you are called." in page


def test_the_chosen_moment_is_said(client, clock, service):
    for _ in range(5):
        services.ticket_issue(service=service, channel=Channel.KIOSK)
    ticket = services.ticket_issue(
        service=service, channel=Channel.REMOTE, phone="+852 9123 4567", notify_ahead=3
    )
    page = _page(client, ticket)
    assert NEAR in page
    assert "3 people are ahead of you" in page
    both = services.ticket_issue(
        service=service,
        channel=Channel.REMOTE,
        email="aisha@example.org",
        notify_ahead=1,
        notify_minutes=10,
    )
    page = _page(client, both)
    assert "at the first of these" in page
    assert "1 person is ahead of you" in page
    assert "your estimated wait is 10 minutes or less" in page


def test_once_told_the_page_says_so(client, clock, service):
    ticket = services.ticket_issue(
        service=service, channel=Channel.REMOTE, phone="+852 9123 4567", notify_ahead=3
    )  # nobody ahead: told at once
    page = _page(client, ticket)
    assert NEAR not in page
    assert "We have sent a message that your turn is near." in page
