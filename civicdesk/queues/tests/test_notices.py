""" "Your turn is near" goes out once at the visitor's threshold, and again when called."""

from datetime import timedelta

import pytest
from django.core import mail

from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import services

pytestmark = pytest.mark.django_db


def serve_one(officer, counter):
    ticket = services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=ticket)
    services.ticket_finish(actor=officer, ticket=ticket)
    return ticket


def test_sms_when_three_ahead_then_when_called(clock, service, counter, officer):
    for _ in range(5):
        services.ticket_issue(service=service, channel="kiosk")
    aisha = services.ticket_issue(
        service=service, channel="remote", phone="+60 12 345 6789", notify_ahead=3
    )
    assert not OutboxMessage.objects.exists()  # 5 ahead
    serve_one(officer, counter)  # 4 ahead once A001 is called... then A002 called next
    assert not OutboxMessage.objects.exists()
    serve_one(officer, counter)  # A002 called: 3 ahead
    near = OutboxMessage.objects.get()
    assert near.channel == "sms" and near.to == "+60 12 345 6789"
    assert aisha.number in near.body and "3 ahead" in near.body
    assert f"/queues/ticket/{aisha.token}/" in near.body
    serve_one(officer, counter)
    serve_one(officer, counter)
    assert OutboxMessage.objects.count() == 1  # once only
    serve_one(officer, counter)
    called = services.ticket_call_next(actor=officer, counter=counter)
    assert called.pk == aisha.pk
    messages = list(OutboxMessage.objects.order_by("created_at", "id"))
    assert len(messages) == 2 and "counter 1" in messages[1].body


def test_minutes_threshold_and_email(
    clock, service, counter, officer, django_capture_on_commit_callbacks
):
    for _ in range(3):
        services.ticket_issue(service=service, channel="kiosk")
    services.counter_open(actor=officer, counter=counter)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_issue(
            service=service, channel="remote", email="aisha@example.org", notify_minutes=15
        )
    assert not OutboxMessage.objects.exists()  # 3 × 10 min = 30 min
    with django_capture_on_commit_callbacks(execute=True):
        serve_one(officer, counter)
        clock.shift(timedelta(minutes=1))
        serve_one(officer, counter)  # 1 ahead: ~10 minutes
    message = OutboxMessage.objects.get(channel="email")
    assert message.to == "aisha@example.org" and ticket.number in message.subject
    assert [m.to for m in mail.outbox] == [["aisha@example.org"]]


def test_no_notice_without_contact_or_threshold(clock, service, counter, officer):
    services.ticket_issue(service=service, channel="remote", phone="+852 9123 4567")
    services.ticket_issue(service=service, channel="kiosk")
    serve_one(officer, counter)
    # Called: the called notice goes to anyone who left a number, even without a threshold.
    assert OutboxMessage.objects.filter(body__contains="counter 1").count() == 1


def test_periodic_check_tells_when_minutes_threshold_is_reached(clock, service, counter, officer):
    from civicdesk.queues.tasks import near_notices

    services.ticket_issue(service=service, channel="kiosk")
    ticket = services.ticket_issue(
        service=service, channel="remote", phone="+852 9123 4567", notify_minutes=5
    )
    assert near_notices() == 0  # 1 ahead × 10 minutes
    service.default_service_minutes = 4
    service.save()
    assert near_notices() == 1
    assert near_notices() == 0
    assert OutboxMessage.objects.get().related_id == str(ticket.pk)


def test_nobody_ahead_is_told_they_are_next_not_zero_ahead(clock, service, counter, officer):
    services.ticket_issue(service=service, channel="kiosk")
    aisha = services.ticket_issue(
        service=service, channel="remote", phone="+60 12 345 6789", notify_ahead=0
    )
    assert not OutboxMessage.objects.exists()  # one ahead
    serve_one(officer, counter)
    near = OutboxMessage.objects.get()
    assert f"your ticket {aisha.number} is next to be called" in near.body
    assert "0 ahead" not in near.body


def test_a_recall_tells_the_visitor_again(clock, service, counter, officer):
    aisha = services.ticket_issue(service=service, channel="remote", phone="+60 12 345 6789")
    called = services.ticket_call_next(actor=officer, counter=counter)
    assert called.pk == aisha.pk
    assert OutboxMessage.objects.filter(body__contains="counter 1 now").count() == 1
    clock.shift(timedelta(seconds=service.recall_gap_seconds + 1))
    services.ticket_recall(actor=officer, ticket=called)
    calls = OutboxMessage.objects.filter(body__contains="counter 1 now")
    assert calls.count() == 2 and {m.to for m in calls} == {"+60 12 345 6789"}


def test_a_transferred_visitor_is_told_again_when_near_in_the_new_queue(
    clock, service, other_service, counter, officer
):
    from civicdesk.queues.models import Ticket

    aisha = services.ticket_issue(
        service=service, channel="remote", phone="+60 12 345 6789", notify_ahead=1
    )
    assert OutboxMessage.objects.filter(body__contains="is next to be called").count() == 1
    services.ticket_issue(service=other_service, channel="kiosk")  # after her
    called = services.ticket_call_next(actor=officer, counter=counter)
    assert called.pk == aisha.pk
    services.ticket_transfer(actor=officer, ticket=called, service=other_service)
    near = OutboxMessage.objects.filter(body__contains="is next to be called")
    assert near.count() == 2  # first in the payments queue too: she joined before the other
    assert Ticket.objects.get(pk=aisha.pk).near_notified_at is not None
