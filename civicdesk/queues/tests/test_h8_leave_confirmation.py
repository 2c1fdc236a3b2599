"""Leaving the queue asks first, on a page that works without JavaScript and says what she loses:
one tap on a phone used to cancel the ticket at once."""

import pytest

from civicdesk.queues import services
from civicdesk.queues.models import Channel, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(clock, service):
    for _ in range(4):
        services.ticket_issue(service=service, channel=Channel.KIOSK)
    return services.ticket_issue(service=service, channel=Channel.REMOTE)


def test_leave_the_queue_leads_to_the_question_and_changes_nothing(client, mine):
    page = client.get(f"/queues/ticket/{mine.token}/").content.decode()
    assert f'href="/queues/ticket/{mine.token}/leave/"' in page
    question = client.get(f"/queues/ticket/{mine.token}/leave/").content.decode()
    assert "Are you sure you want to leave the queue?" in question
    assert "You will lose your place: A005, 4 people ahead." in question
    assert f'<a href="/queues/ticket/{mine.token}/"' in question  # "No, keep my place"
    assert "No, keep my place" in question and "Yes, leave the queue" in question
    mine.refresh_from_db()
    assert mine.status == TicketStatus.WAITING


def test_an_unconfirmed_post_only_asks(client, mine):
    """A post without the answer (a slip, or a page saved from before) cancels nothing."""
    response = client.post(f"/queues/ticket/{mine.token}/", {"action": "cancel"})
    assert response.status_code == 302
    assert response["Location"] == f"/queues/ticket/{mine.token}/leave/"
    for answer in ("", "no", "1"):
        client.post(f"/queues/ticket/{mine.token}/", {"action": "cancel", "confirm": answer})
    mine.refresh_from_db()
    assert mine.status == TicketStatus.WAITING


def test_yes_leave_the_queue_cancels(client, mine):
    response = client.post(f"/queues/ticket/{mine.token}/", {"action": "cancel", "confirm": "yes"})
    assert response["Location"] == f"/queues/ticket/{mine.token}/"
    mine.refresh_from_db()
    assert mine.status == TicketStatus.CANCELLED
    # Nothing left to leave: the question is not asked again.
    again = client.get(f"/queues/ticket/{mine.token}/leave/")
    assert again.status_code == 302 and again["Location"] == f"/queues/ticket/{mine.token}/"


def test_the_question_for_the_next_and_for_a_called_visitor(
    client, clock, service, counter, officer
):
    first = services.ticket_issue(service=service, channel=Channel.REMOTE)
    second = services.ticket_issue(service=service, channel=Channel.REMOTE)
    services.ticket_call_next(actor=officer, counter=counter)  # calls `first`
    page = client.get(f"/queues/ticket/{second.token}/leave/").content.decode()
    assert "You will lose your place: A002, you are next." in page
    page = client.get(f"/queues/ticket/{first.token}/leave/").content.decode()
    assert "You will lose your place: A001, called to counter 1 now." in page
