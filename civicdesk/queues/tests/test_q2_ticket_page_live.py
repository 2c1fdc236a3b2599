"""Journey walk (Aisha joins from home): after joining she lands on /queues/ticket/<token>/,
which did not update: tickets were served, her SMS said "3 ahead" and "go to counter 1", and the
page still said "5 ahead, no counter open" until she pressed Refresh. The page now loads the live
ticket page's script (live.mjs), which follows the ticket's event stream and updates it in place;
without JavaScript it is as before, with its Refresh link."""

import pytest
from asgiref.sync import async_to_sync

from civicdesk.live import bus
from civicdesk.queues import services
from civicdesk.queues.models import Channel

pytestmark = pytest.mark.django_db


def _page(async_client, ticket) -> str:
    """Through the ASGI handler, as `civicdesk serve` runs it: only there does the page follow
    a stream (a WSGI worker would hold the endless stream and its database connection)."""
    response = async_to_sync(async_client.get)(f"/queues/ticket/{ticket.token}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_open_ticket_page_follows_its_event_stream(async_client, clock, service):
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE, phone="+852 91234567")
    page = _page(async_client, ticket)
    assert 'data-live="ticket"' in page
    assert f'data-stream-url="/live/ticket/{ticket.token}/events"' in page
    assert f'data-last-event-id="{bus.latest_id()}"' in page
    assert "live/live.mjs" in page
    assert 'id="live-status-labels"' in page
    assert 'data-testid="announce"' in page  # what changed is read out to screen readers
    # Still complete without the script: the place, the notices, leaving, and Refresh.
    assert 'data-testid="notices"' in page
    assert "Leave the queue" in page
    assert ">Refresh</a>" in page


def test_the_rows_the_script_shows_are_there_but_hidden_when_called(
    async_client, clock, service, counter, officer
):
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE)
    services.ticket_call_next(actor=officer, counter=counter)
    page = _page(async_client, ticket)
    assert 'data-waiting-only hidden><dt class="govuk-summary-list__key">People ahead' in page
    assert f'<span data-counter data-testid="called-counter">{counter.name}</span>' in page
    assert 'data-testid="called-panel" data-called-panel>' in page  # shown, not hidden


def test_a_closed_ticket_page_does_not_follow_a_stream(async_client, clock, service):
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE)
    services.ticket_cancel(ticket=ticket)
    page = _page(async_client, ticket)
    assert "data-live=" not in page
    assert "live/live.mjs" not in page
    assert "Leave the queue" not in page


def test_a_wsgi_worker_serves_the_page_without_a_stream(client, clock, service):
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE)
    response = client.get(f"/queues/ticket/{ticket.token}/")
    assert response.status_code == 200
    assert "data-stream-url" not in response.content.decode()
