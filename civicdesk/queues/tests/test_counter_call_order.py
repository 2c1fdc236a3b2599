"""The counter screen lists the waiting in the order Call next will call them, and an
appointment checked in early shows when it checked in, not its (future) slot as "joined"."""

import re
from datetime import timedelta

import pytest

from civicdesk.queues import appointments as appts
from civicdesk.queues import services
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.factories import CounterFactory

pytestmark = pytest.mark.django_db


def _listed(html: str) -> list[str]:
    table = html[html.index('data-testid="queue"') :]
    table = table[: table.index("</table>")]
    return re.findall(
        r'<tr class="govuk-table__row"><td class="govuk-table__cell">([A-Z]\d{3})', table
    )


def _check_in_at_1018_for_1045(clock, service):
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 15, 1
    service.save()
    slot = next(
        s
        for s in appts.slots_ensure(service=service, day=OPEN_MORNING.date())
        if s.starts_at == OPEN_MORNING.replace(hour=10, minute=45)
    )
    appointment = appts.appointment_book(slot=slot, name="Wei", email="wei@example.org")
    clock.move_to(OPEN_MORNING.replace(minute=18))
    return appts.appointment_check_in(appointment=appointment)


def test_counter_lists_in_call_order_and_shows_check_in_time(
    client, clock, service, other_service, officer
):
    counter = CounterFactory(site=service.site, name="1", services=[service, other_service])
    services.ticket_issue(service=service, channel="kiosk")  # A001 10:00
    clock.move_to(OPEN_MORNING.replace(minute=5))
    services.ticket_issue(service=other_service, channel="kiosk")  # B001 10:05
    clock.move_to(OPEN_MORNING.replace(minute=10))
    services.ticket_issue(service=service, channel="kiosk")  # A002 10:10
    services.ticket_issue(service=other_service, channel="kiosk", lane="elderly")  # B002 10:10
    checked_in = _check_in_at_1018_for_1045(clock, service)  # A003
    assert checked_in.lane == "appointment"
    client.force_login(officer)

    html = client.get(f"/queues/staff/counters/{counter.id}/").content.decode()
    listed = _listed(html)
    assert listed[-1] != checked_in.number  # not at the bottom by its 10:45 slot
    assert "appointment 10:45, checked in 10:18" in html
    assert "10:45</td>" not in html
    partial = client.get(f"/queues/staff/counters/{counter.id}/queue/").content.decode()
    assert _listed(partial) == listed

    called = []
    for _ in listed:
        ticket = services.ticket_call_next(actor=officer, counter=counter)
        called.append(ticket.number)
        services.ticket_start(actor=officer, ticket=ticket)
        services.ticket_finish(actor=officer, ticket=ticket)
        clock.shift(timedelta(minutes=1))
    assert called == listed
    assert services.ticket_call_next(actor=officer, counter=counter) is None


def test_staff_site_page_shows_check_in_time_of_an_appointment(client, clock, service, officer):
    services.ticket_issue(service=service, channel="kiosk")
    checked_in = _check_in_at_1018_for_1045(clock, service)
    client.force_login(officer)
    page = client.get(f"/queues/staff/sites/{service.site.id}/").content.decode()
    assert f"{checked_in.number} " in page
    assert "appointment 10:45, checked in 10:18" in page
