"""A finished visit invites the visitor to a one-time survey (surveys issue, item 2)."""

import pytest

from civicdesk.notify.models import OutboxMessage
from civicdesk.queues import services
from civicdesk.surveys.models import Invitation

pytestmark = pytest.mark.django_db


def test_finished_ticket_with_a_phone_gets_one_survey_sms(clock, service, counter, officer):
    ticket = services.ticket_issue(
        service=service, channel="remote", phone="+60 12 345 6789", language="ms"
    )
    called = services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=called)
    assert not Invitation.objects.exists()  # nobody is asked before the visit ends
    services.ticket_finish(actor=officer, ticket=called)
    invitation = Invitation.objects.get()
    assert invitation.site == service.site and invitation.language == "ms"
    assert invitation.officer == officer.staff_profile
    assert invitation.service_name == service.name
    sms = OutboxMessage.objects.filter(channel="sms", body__contains=invitation.token).get()
    assert sms.to == "+60 12 345 6789"
    assert ticket.phone not in sms.body  # the link carries no personal data


def test_walk_in_without_contact_gets_a_link_for_the_counter_qr(clock, service, counter, officer):
    services.ticket_issue(service=service, channel="kiosk")
    called = services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=called)
    services.ticket_finish(actor=officer, ticket=called)
    assert Invitation.objects.count() == 1
    assert not OutboxMessage.objects.filter(body__contains="/s/").exists()
