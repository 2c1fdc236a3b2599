"""Tickets through their life: numbers, the lane rule, serving actions, periods and errors."""

from datetime import timedelta

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.core.errors import (
    Conflict,
    IllegalTransition,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from civicdesk.organisations.models import Closure
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Ticket, TicketPeriod, TicketStatus
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def join(service, lane="normal", **kwargs):
    return services.ticket_issue(service=service, channel="kiosk", lane=lane, **kwargs)


def test_numbers_run_per_letter_and_restart_each_day(clock, service, other_service):
    numbers = [join(service).number for _ in range(3)] + [join(other_service).number]
    assert numbers == ["A001", "A002", "A003", "B001"]
    clock.shift(timedelta(days=1))  # Wednesday
    assert join(service).number == "A001"


def test_joining_a_closed_site_is_refused_and_nothing_is_stored(clock, service):
    clock.move_to(OPEN_MORNING.replace(hour=20))
    with pytest.raises(Conflict) as error:
        join(service)
    assert error.value.code == "site_closed"
    Closure.objects.create(agency=service.site.agency, date=OPEN_MORNING.date(), reason="Typhoon")
    clock.move_to(OPEN_MORNING)
    with pytest.raises(Conflict):
        join(service)
    assert Ticket.objects.count() == 0


def test_inactive_service_and_unknown_lane_are_refused(clock, service):
    with pytest.raises(ValidationFailed):
        join(service, lane="vip")
    with pytest.raises(ValidationFailed):
        join(service, lane="appointment")
    service.is_active = False
    service.save()
    with pytest.raises(NotFound):
        join(service)
    assert Ticket.objects.count() == 0


def test_notice_needs_a_contact(clock, service):
    with pytest.raises(ValidationFailed):
        join(service, notify_ahead=3)
    with pytest.raises(ValidationFailed):
        join(service, phone="call me", notify_ahead=3)
    ticket = join(service, phone="+852 9123 4567", notify_ahead=3)
    assert ticket.notify_ahead == 3


def test_full_visit_records_timestamps_and_periods(clock, service, counter, officer):
    ticket = join(service)
    clock.shift(timedelta(minutes=7))
    called = services.ticket_call_next(actor=officer, counter=counter)
    assert called.pk == ticket.pk and called.status == TicketStatus.CALLED
    clock.shift(timedelta(minutes=1))
    services.ticket_start(actor=officer, ticket=called)
    clock.shift(timedelta(minutes=4))
    services.ticket_hold(actor=officer, ticket=called, note="fetching ID card")
    clock.shift(timedelta(minutes=3))
    services.ticket_resume(actor=officer, ticket=called)
    clock.shift(timedelta(minutes=2))
    done = services.ticket_finish(actor=officer, ticket=called, note="Renewed")
    done.refresh_from_db()
    assert done.status == TicketStatus.DONE and done.outcome_note == "Renewed"
    assert done.called_at - done.joined_at == timedelta(minutes=7)
    assert done.finished_at - done.started_at == timedelta(minutes=9)
    periods = [
        (p.status, p.ended_at - p.started_at, p.counter_id, p.officer_id)
        for p in TicketPeriod.objects.filter(ticket=done)
    ]
    profile_id = officer.staff_profile.id
    assert periods == [
        ("waiting", timedelta(minutes=7), None, None),
        ("called", timedelta(minutes=1), counter.id, profile_id),
        ("serving", timedelta(minutes=4), counter.id, profile_id),
        ("on_hold", timedelta(minutes=3), counter.id, profile_id),
        ("serving", timedelta(minutes=2), counter.id, profile_id),
    ]
    actions = list(
        AuditEntry.objects.filter(action__startswith="ticket.")
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == [
        "ticket.call",
        "ticket.start",
        "ticket.hold",
        "ticket.resume",
        "ticket.finish",
    ]


def test_lane_rule_never_more_than_k_priority_in_a_row(clock, service, counter, officer):
    service.priority_run = 2
    service.save()
    normal = [join(service) for _ in range(3)]
    priority = [join(service, lane="elderly") for _ in range(4)]
    called = []
    for _ in range(7):
        ticket = services.ticket_call_next(actor=officer, counter=counter)
        services.ticket_start(actor=officer, ticket=ticket)
        services.ticket_finish(actor=officer, ticket=ticket)
        called.append(ticket.pk)
    p, n = [t.pk for t in priority], [t.pk for t in normal]
    assert called == [p[0], p[1], n[0], p[2], p[3], n[1], n[2]]
    assert services.ticket_call_next(actor=officer, counter=counter) is None


def test_counter_calls_across_its_services_by_arrival(clock, service, other_service, officer):
    counter = CounterFactory(site=service.site, services=[service, other_service])
    first = join(other_service)
    clock.shift(timedelta(seconds=5))
    join(service)
    assert services.ticket_call_next(actor=officer, counter=counter).pk == first.pk


def test_counter_does_not_call_services_it_does_not_serve(clock, service, other_service, officer):
    counter = CounterFactory(site=service.site, services=[other_service])
    join(service)
    assert services.ticket_call_next(actor=officer, counter=counter) is None


def test_counter_must_finish_before_calling_again(clock, service, counter, officer):
    join(service)
    join(service)
    services.ticket_call_next(actor=officer, counter=counter)
    with pytest.raises(Conflict) as error:
        services.ticket_call_next(actor=officer, counter=counter)
    assert error.value.code == "counter_busy"


def test_recall_is_capped_and_spaced_then_no_show(clock, service, counter, officer):
    service.max_recalls, service.recall_gap_seconds = 2, 30
    service.save()
    ticket = join(service)
    services.ticket_call_next(actor=officer, counter=counter)
    with pytest.raises(Conflict) as error:
        services.ticket_recall(actor=officer, ticket=ticket)
    assert error.value.code == "recall_too_soon"
    with pytest.raises(Conflict) as error:
        services.ticket_no_show(actor=officer, ticket=ticket)
    assert error.value.code == "recalls_left"
    for _ in range(2):
        clock.shift(timedelta(seconds=31))
        services.ticket_recall(actor=officer, ticket=ticket)
    clock.shift(timedelta(seconds=31))
    with pytest.raises(Conflict) as error:
        services.ticket_recall(actor=officer, ticket=ticket)
    assert error.value.code == "recalls_used"
    services.ticket_no_show(actor=officer, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NO_SHOW and ticket.recall_count == 2


def test_transfer_keeps_number_and_place(clock, service, other_service, counter, officer):
    other_counter = CounterFactory(site=service.site, services=[other_service])
    ticket = join(service)
    clock.shift(timedelta(minutes=5))
    later = join(other_service)
    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=ticket)
    moved = services.ticket_transfer(actor=officer, ticket=ticket, service=other_service)
    assert moved.number == "A001" and moved.status == TicketStatus.WAITING
    colleague = StaffFactory(agency=service.site.agency, sites=[service.site]).user
    # Joined before B001, so called first at the other service.
    assert services.ticket_call_next(actor=colleague, counter=other_counter).pk == ticket.pk
    assert later.status == TicketStatus.WAITING
    with pytest.raises(Conflict):
        services.ticket_transfer(actor=colleague, ticket=ticket, service=other_service)


def test_illegal_moves_are_409_and_change_nothing(clock, service, counter, officer):
    ticket = join(service)
    with pytest.raises(IllegalTransition):
        services.ticket_finish(actor=officer, ticket=ticket)
    with pytest.raises(IllegalTransition):
        services.ticket_start(actor=officer, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING
    assert TicketPeriod.objects.filter(ticket=ticket).count() == 1


def test_officer_cannot_act_at_another_site(clock, service, counter, officer):
    elsewhere = SiteFactory(agency=service.site.agency)
    stranger = StaffFactory(agency=elsewhere.agency, sites=[elsewhere]).user
    ticket = join(service)
    with pytest.raises(NotAllowed):
        services.ticket_call_next(actor=stranger, counter=counter)
    services.ticket_call_next(actor=officer, counter=counter)
    with pytest.raises(NotAllowed):
        services.ticket_start(actor=stranger, ticket=ticket)
    far_counter = CounterFactory(site=elsewhere, services=[service])
    with pytest.raises(NotAllowed):
        services.ticket_call(actor=officer, counter=far_counter, ticket=ticket)
    admin = StaffFactory(agency=service.site.agency, role=Role.AGENCY_ADMIN).user
    with pytest.raises(Conflict) as error:
        services.ticket_call(actor=admin, counter=far_counter, ticket=ticket)
    assert error.value.code == "wrong_site"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED and ticket.counter_id == counter.id


def test_executive_may_read_but_not_call(clock, service, counter):
    executive = StaffFactory(agency=service.site.agency, role=Role.EXECUTIVE).user
    join(service)
    with pytest.raises(NotAllowed):
        services.ticket_call_next(actor=executive, counter=counter)


def test_citizen_cancels_and_queue_moves_up(clock, service):
    first, second = join(service), join(service)
    services.ticket_cancel(ticket=first)
    from civicdesk.queues.selectors import people_ahead

    second.refresh_from_db()
    assert people_ahead(second) == 0
    with pytest.raises(Conflict):
        services.ticket_cancel(ticket=first)


def test_staff_issue_is_audited_and_needs_site_rights(clock, service, officer):
    ticket = services.ticket_issue(service=service, channel="staff", actor=officer, lane="disabled")
    assert ticket.channel == "staff" and ticket.is_priority
    assert AuditEntry.objects.filter(action="ticket.issue").count() == 1
    other = ServiceFactory(site=SiteFactory(agency=service.site.agency), prefix="C")
    with pytest.raises(NotAllowed):
        services.ticket_issue(service=other, channel="staff", actor=officer)


def test_resume_of_a_ticket_not_on_hold_is_409(clock, service, officer):
    # Found by schemathesis: resuming a waiting ticket (no counter yet) was a 500.
    ticket = join(service)
    with pytest.raises(Conflict) as error:
        services.ticket_resume(actor=officer, ticket=ticket)
    assert error.value.code == "not_on_hold"


def test_open_tickets_are_closed_after_their_day(clock, service, counter, officer):
    at_desk, in_queue = join(service), join(service)
    services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=at_desk)
    assert services.tickets_close_past_days() == 0
    clock.shift(timedelta(days=1))
    assert services.tickets_close_past_days() == 2
    at_desk.refresh_from_db()
    in_queue.refresh_from_db()
    assert (at_desk.status, in_queue.status) == (TicketStatus.DONE, TicketStatus.CANCELLED)
    assert at_desk.finished_at == OPEN_MORNING.replace(hour=17)


def test_a_failed_join_gives_its_number_back(clock, service, monkeypatch):
    join(service)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(Ticket, "save", broken_save)
        with pytest.raises(RuntimeError):
            join(service)
    assert join(service).number == "A002"  # no gap where the failed join was
