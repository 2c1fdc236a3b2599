"""The demo's queue history had appointment tickets (also at services that take no appointments)
but no booking behind any of them, so the appointments pledge read "no data" every month on the
transparency page. Each appointment ticket now has its checked-in booking, at a slot of its
service's grid that fits the documented check-in rule."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.pledges.compute import measure_days
from civicdesk.pledges.tests.factories import make_pledge
from civicdesk.queues import demo
from civicdesk.queues.appointments import CHECK_IN_EARLY
from civicdesk.queues.models import Appointment, AppointmentStatus, Ticket

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture
def history(agency, monkeypatch):
    monkeypatch.setattr(demo, "HISTORY_DAYS", 21)
    site = SiteFactory(agency=agency, code="HCC")
    with time_machine.travel(datetime(2026, 3, 25, 8, 0, tzinfo=HK), tick=False):
        services, counters = demo._ensure_site(site)
        made = demo._history(site, services, counters)
    assert made > 0
    return site, services


def test_every_appointment_ticket_has_its_checked_in_booking(history):
    site, _services = history
    booked = Ticket.objects.filter(site=site, channel="appointment").select_related(
        "service", "appointment__slot"
    )
    assert booked.count() > 20
    for ticket in booked:
        assert ticket.service.appointments_enabled
        appointment = ticket.appointment
        assert appointment.status == AppointmentStatus.CHECKED_IN
        assert appointment.checked_in_at == ticket.joined_at
        slot = appointment.slot
        assert slot.service_id == ticket.service_id
        assert slot.appointments.count() <= slot.capacity
        local = slot.starts_at.astimezone(HK)
        assert local.minute % ticket.service.slot_minutes == 0 and local.second == 0
        # Checked in no earlier than check-in opens, and no later than the grace.
        early = slot.starts_at - ticket.joined_at
        assert early <= CHECK_IN_EARLY
        assert -early <= timedelta(minutes=ticket.service.late_grace_minutes)
    assert Appointment.objects.filter(ticket__isnull=True).count() == 0


def test_the_appointments_pledge_has_figures(history, agency):
    pledge = make_pledge(agency=agency, metric="appointments_on_time", target=90, threshold=10)
    assert measure_days(pledge, date(2026, 3, 1), date(2026, 3, 24)) > 0
