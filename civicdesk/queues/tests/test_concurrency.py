"""Real threads against the real database: numbers have no gaps or repeats, and two counters
calling at the same instant never get the same visitor."""

import threading

import pytest
from django.db import connection, connections

from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Ticket, TicketStatus
from civicdesk.queues.tests.factories import CounterFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _skip_in_memory_sqlite():
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("memory" in name or name == ""):
        pytest.skip("threads need a file database (SQLite shared-cache memory raises 'locked')")


def run_in_threads(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_concurrent_joins_get_consecutive_numbers(clock, service):
    _skip_in_memory_sqlite()
    threads, per_thread = 8, 5

    def work(_index):
        return [
            services.ticket_issue(service=service, channel="remote").sequence
            for _ in range(per_thread)
        ]

    numbers = sorted(n for batch in run_in_threads(threads, work) for n in batch)
    assert numbers == list(range(1, threads * per_thread + 1))
    assert Ticket.objects.count() == threads * per_thread


def test_simultaneous_call_next_never_returns_the_same_ticket(clock, site, service):
    _skip_in_memory_sqlite()
    counters = [CounterFactory(site=site, name=f"C{i}", services=[service]) for i in range(6)]
    officers = [StaffFactory(agency=site.agency, sites=[site]).user for _ in counters]
    for _ in range(4):
        services.ticket_issue(service=service, channel="kiosk")

    def work(index):
        ticket = services.ticket_call_next(actor=officers[index], counter=counters[index])
        return ticket.pk if ticket else None

    called = [pk for pk in run_in_threads(len(counters), work) if pk is not None]
    assert len(called) == 4 and len(set(called)) == 4
    assert Ticket.objects.filter(status=TicketStatus.CALLED).count() == 4
    assert set(Ticket.objects.values_list("counter_id", flat=True)) <= {c.id for c in counters}


def test_officers_working_in_parallel_never_deadlock(clock, site, service):
    # Found by a load smoke test: call-next held the service row FOR UPDATE while another
    # officer's commit checked its foreign key to that row (KEY SHARE) behind the audit lock.
    _skip_in_memory_sqlite()
    counters = [CounterFactory(site=site, name=f"D{i}", services=[service]) for i in range(4)]
    officers = [StaffFactory(agency=site.agency, sites=[site]).user for _ in counters]
    for _ in range(40):
        services.ticket_issue(service=service, channel="kiosk")

    def work(index):
        served = []
        for _ in range(8):
            ticket = services.ticket_call_next(actor=officers[index], counter=counters[index])
            if ticket is None:
                break
            services.ticket_start(actor=officers[index], ticket=ticket)
            services.ticket_finish(actor=officers[index], ticket=ticket)
            served.append(ticket.pk)
        return served

    served = [pk for batch in run_in_threads(len(counters), work) for pk in batch]
    assert len(served) == len(set(served)) == 32
    assert Ticket.objects.filter(status=TicketStatus.DONE).count() == 32
