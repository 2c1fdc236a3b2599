"""The waiting tally the database keeps (`WaitingTally`, triggers of migration 0006) always
equals a count of the waiting tickets, whichever way tickets are written: the one-statement
join, staff issues, the officers' moves, holds, transfers, cancels, no-shows, closing a day."""

import random
from datetime import timedelta

import pytest

from civicdesk.core.errors import ApplicationError
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.lanes import NORMAL
from civicdesk.queues.models import Channel, Ticket, TicketStatus
from civicdesk.queues.selectors import people_ahead, people_ahead_of_new, waiting_counts
from civicdesk.queues.tests.factories import CounterFactory
from civicdesk.queues.tests.test_concurrency import _skip_in_memory_sqlite, run_in_threads


def counted(service_id: int) -> tuple[int, int]:
    waiting = Ticket.objects.filter(service_id=service_id, status=TicketStatus.WAITING)
    return waiting.filter(lane=NORMAL).count(), waiting.exclude(lane=NORMAL).count()


def test_the_tally_follows_every_kind_of_change(clock, site, service, other_service, officer):
    counters = [
        CounterFactory(site=site, name=f"T{i}", services=[service, other_service]) for i in range(3)
    ]
    rng = random.Random(20261207)
    lanes = [NORMAL, NORMAL, NORMAL, "elderly", "disabled"]
    steps = []
    for step in range(160):
        target = rng.choice([service, other_service])
        action = rng.choice(
            ["join", "join", "join", "staff", "call", "call", "finish", "hold", "resume",
             "transfer", "cancel", "staff_cancel", "no_show", "recall"]
        )  # fmt: skip
        at_counter = list(
            Ticket.objects.filter(status__in=[TicketStatus.CALLED, TicketStatus.SERVING])
        )
        waiting = list(Ticket.objects.filter(status=TicketStatus.WAITING))
        held = list(Ticket.objects.filter(status=TicketStatus.ON_HOLD))
        try:
            if action == "join":
                services.ticket_issue(
                    service=target, channel=Channel.REMOTE, lane=rng.choice(lanes)
                )
            elif action == "staff":
                services.ticket_issue(
                    service=target, channel=Channel.STAFF, actor=officer, lane=rng.choice(lanes)
                )
            elif action == "call":
                services.ticket_call_next(actor=officer, counter=rng.choice(counters))
            elif action == "finish" and at_counter:
                ticket = rng.choice(at_counter)
                if ticket.status == TicketStatus.CALLED:
                    services.ticket_start(actor=officer, ticket=ticket)
                services.ticket_finish(actor=officer, ticket=ticket)
            elif action == "hold" and at_counter:
                ticket = rng.choice(at_counter)
                if ticket.status == TicketStatus.CALLED:
                    services.ticket_start(actor=officer, ticket=ticket)
                services.ticket_hold(actor=officer, ticket=ticket)
            elif action == "resume" and held:
                services.ticket_resume(actor=officer, ticket=rng.choice(held))
            elif action == "transfer" and (waiting or at_counter):
                ticket = rng.choice(waiting + at_counter)
                to = other_service if ticket.service_id == service.pk else service
                services.ticket_transfer(actor=officer, ticket=ticket, service=to)
            elif action == "cancel" and waiting:
                services.ticket_cancel(ticket=rng.choice(waiting))
            elif action == "staff_cancel" and (waiting or held):
                services.ticket_cancel(ticket=rng.choice(waiting + held), actor=officer)
            elif action == "no_show" and at_counter:
                services.ticket_no_show(actor=officer, ticket=rng.choice(at_counter))
            elif action == "recall" and at_counter:
                services.ticket_recall(actor=officer, ticket=rng.choice(at_counter))
        except ApplicationError:
            pass  # a move the rules refuse (a busy counter, a recall too soon): nothing changed
        steps.append(action)
        clock.shift(timedelta(seconds=37))
        for each in (service, other_service):
            assert waiting_counts(each.pk) == counted(each.pk), (step, steps[-5:])
    assert {"join", "transfer", "cancel", "call"} <= set(steps)
    assert sum(counted(service.pk)) + sum(counted(other_service.pk)) > 0
    # Closing the day sends everyone still waiting home: the tally says nobody waits.
    clock.shift(timedelta(days=1))
    services.tickets_close_past_days()
    assert waiting_counts(service.pk) == waiting_counts(other_service.pk) == (0, 0)


def test_people_ahead_from_the_tally_is_the_order_officers_call(clock, service, counter, officer):
    for lane in [NORMAL, NORMAL, "elderly", NORMAL, "elderly"]:
        services.ticket_issue(service=service, channel=Channel.KIOSK, lane=lane)
    first = services.ticket_call_next(actor=officer, counter=counter)  # a priority run begins
    for lane in (NORMAL, "elderly"):
        service.refresh_from_db()  # the run so far (priority_streak) decides the newcomer's place
        told = people_ahead_of_new(service, lane)
        newcomer = services.ticket_issue(service=service, channel=Channel.KIOSK, lane=lane)
        assert people_ahead(Ticket.objects.get(pk=newcomer.pk)) == told
    waiting = Ticket.objects.select_related("service").filter(status=TicketStatus.WAITING)
    ahead = {t.pk: people_ahead(t) for t in waiting}
    services.ticket_start(actor=officer, ticket=first)
    services.ticket_finish(actor=officer, ticket=first)
    called = []
    while (ticket := services.ticket_call_next(actor=officer, counter=counter)) is not None:
        called.append(ticket.pk)
        services.ticket_start(actor=officer, ticket=ticket)
        services.ticket_finish(actor=officer, ticket=ticket)
    assert {pk: called.index(pk) for pk in ahead} == ahead


@pytest.mark.django_db(transaction=True)
def test_the_tally_holds_under_concurrent_joins_and_calls(clock, site, service):
    _skip_in_memory_sqlite()
    counters = [CounterFactory(site=site, name=f"P{i}", services=[service]) for i in range(3)]
    officers = [StaffFactory(agency=site.agency, sites=[site]).user for _ in counters]
    for _ in range(10):
        services.ticket_issue(service=service, channel=Channel.KIOSK)

    def work(index):
        for round_ in range(6):
            if index < len(counters):
                called = services.ticket_call_next(actor=officers[index], counter=counters[index])
                if called is not None:
                    services.ticket_start(actor=officers[index], ticket=called)
                    services.ticket_finish(actor=officers[index], ticket=called)
            else:
                lane = "elderly" if round_ % 3 == 0 else NORMAL
                services.ticket_issue(service=service, channel=Channel.REMOTE, lane=lane)

    run_in_threads(7, work)
    assert waiting_counts(service.pk) == counted(service.pk)
    assert {type(n) for n in waiting_counts(service.pk)} == {int}  # not PostgreSQL's numeric
    done = Ticket.objects.filter(status=TicketStatus.DONE).count()
    assert Ticket.objects.count() == 10 + 4 * 6 and done > 0
    assert sum(waiting_counts(service.pk)) == 10 + 4 * 6 - done


def test_the_admin_cannot_delete_a_ticket(client, clock, service):
    from civicdesk.organisations.tests.test_sign_in import sign_in_as_django_admin

    ticket = services.ticket_issue(service=service, channel=Channel.KIOSK)
    sign_in_as_django_admin(client)
    assert client.get(f"/admin/queues/ticket/{ticket.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/queues/ticket/{ticket.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert waiting_counts(service.pk) == counted(service.pk) == (1, 0)


def test_the_tally_triggers_are_in_place(db):
    # A later migration that rebuilds the ticket table on SQLite would drop them silently
    # (civicdesk/queues/tally.py says what such a migration must do).
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    assert {"queues_ticket_tally_insert", "queues_ticket_tally_update"} <= names


def test_a_drifted_tally_is_found_and_mended(clock, service, other_service, caplog):
    from civicdesk.core.periodic import REGISTRY
    from civicdesk.queues.models import WaitingTally

    for lane in [NORMAL, NORMAL, "elderly", NORMAL]:
        services.ticket_issue(service=service, channel=Channel.KIOSK, lane=lane)
    services.ticket_issue(service=other_service, channel=Channel.KIOSK)
    assert REGISTRY["queues.recount_tally"].func() == 0  # nothing to mend
    # Say a waiting ticket was deleted behind the triggers' back and a tally row was lost.
    Ticket.objects.filter(service=service, lane=NORMAL).order_by("id").first().delete()
    WaitingTally.objects.filter(service=other_service).delete()
    assert waiting_counts(service.pk) == (3, 1) != counted(service.pk)
    assert REGISTRY["queues.recount_tally"].func() == 2
    assert waiting_counts(service.pk) == counted(service.pk) == (2, 1)
    assert waiting_counts(other_service.pk) == counted(other_service.pk) == (1, 0)
    assert "waiting tally of service" in caplog.text
    # The triggers go on counting from the mended rows.
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    assert waiting_counts(service.pk) == counted(service.pk) == (3, 1)
