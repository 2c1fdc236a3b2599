"""With no counter open for its service, a visitor first in line read "Less than a minute" on the
ticket page, the kiosk ticket and the live page (the estimate assumes a counter opens). They are
now told that no counter is open just now and that they keep their place; the join page and the
ticket API say it too, and the live page changes when a counter opens."""

import pytest
from django.utils import translation

from civicdesk.live.snapshot import site_snapshot, ticket_snapshot
from civicdesk.queues import services
from civicdesk.queues.models import Channel

pytestmark = pytest.mark.django_db

CLOSED = "No counter is open for this service just now. You keep your place."


def _get(client, url: str) -> str:
    with translation.override("en"):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _wait_text(page: str) -> str:
    """The ticket page's "Estimated wait" as shown (the page also carries every wording its
    live script may switch to, in data-text-* attributes)."""
    shown = page[page.index('data-testid="wait">') + len('data-testid="wait">') :]
    return shown[: shown.index("</dd>")]


def test_ticket_and_kiosk_pages_say_no_counter_is_open(client, clock, counter, officer, service):
    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    page = _wait_text(_get(client, f"/queues/ticket/{ticket.token}/"))
    assert CLOSED in page and "Less than a minute" not in page
    kiosk = _get(client, f"/queues/kiosk/ticket/{ticket.token}/")
    assert CLOSED in kiosk and "Less than a minute." not in kiosk

    services.counter_open(actor=officer, counter=counter)
    page = _wait_text(_get(client, f"/queues/ticket/{ticket.token}/"))
    assert CLOSED not in page and "Less than a minute" in page
    assert CLOSED not in _get(client, f"/queues/kiosk/ticket/{ticket.token}/")


def test_a_counter_open_for_another_service_does_not_count(
    client, clock, counter, officer, service, other_service
):
    counter.services.set([other_service])
    services.counter_open(actor=officer, counter=counter)
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE)
    assert CLOSED in _get(client, f"/queues/ticket/{ticket.token}/")


def test_join_page_marks_the_service_with_no_counter_open(
    client, clock, counter, officer, service, other_service, site
):
    counter.services.set([other_service])
    services.counter_open(actor=officer, counter=counter)
    page = _get(client, f"/queues/{site.agency.code}/{site.code}/")
    rows = page.split('role="rowheader">')[1:]
    passports = next(r for r in rows if r.startswith("Passport renewal"))
    payments = next(r for r in rows if r.startswith("Payments"))
    assert "No counter open just now" in passports.split("</tr>")[0]
    assert "No counter open just now" not in payments.split("</tr>")[0]


def test_ticket_api_counts_the_open_counters(client, clock, counter, officer, service):
    joined = client.post(
        "/api/v1/queues/tickets", {"service_id": service.id}, content_type="application/json"
    )
    assert joined.status_code == 201
    assert joined.json()["open_counters"] is None  # the join's answer does not count them
    token = joined.json()["token"]
    assert client.get(f"/api/v1/queues/tickets/{token}").json()["open_counters"] == 0
    services.counter_open(actor=officer, counter=counter)
    assert client.get(f"/api/v1/queues/tickets/{token}").json()["open_counters"] == 1
    services.ticket_call_next(actor=officer, counter=counter)
    assert client.get(f"/api/v1/queues/tickets/{token}").json()["open_counters"] is None


def test_live_snapshot_carries_the_count_for_a_waiting_ticket(clock, counter, officer, service):
    ticket = services.ticket_issue(service=service, channel=Channel.REMOTE)
    assert ticket_snapshot(ticket, site_snapshot(service.site_id))["counters"] == 0
    services.counter_open(actor=officer, counter=counter)
    assert ticket_snapshot(ticket, site_snapshot(service.site_id))["counters"] == 1
    assert ticket_snapshot(ticket)["counters"] is None  # no site snapshot: not known
