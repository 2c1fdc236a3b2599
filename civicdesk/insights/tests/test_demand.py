"""Demand from the database: tickets and cases per 15 minutes, grouped in the database."""

from datetime import datetime, timedelta

import numpy as np
import pytest
import time_machine

from civicdesk.cases.models import Case
from civicdesk.insights import demand
from civicdesk.insights.tests.factories import HK, TODAY, steady_history
from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.pledges.tests.factories import make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_ticket_arrivals_per_site_service_channel_and_quarter(agency):
    site = SiteFactory(agency=agency)
    service = ServiceFactory(site=site, prefix="A")
    other = ServiceFactory(site=site, prefix="B")
    monday = datetime(2026, 5, 25, tzinfo=HK).date() + timedelta(days=1)  # Tue 26 May
    at = datetime.combine(monday, datetime.min.time(), tzinfo=HK)
    make_ticket(service=service, joined=at + timedelta(hours=10, minutes=1), wait_minutes=1)
    make_ticket(service=service, joined=at + timedelta(hours=10, minutes=14), wait_minutes=1,
                channel="remote")  # fmt: skip
    make_ticket(service=service, joined=at + timedelta(hours=10, minutes=15), wait_minutes=1)
    make_ticket(service=other, joined=at + timedelta(hours=16, minutes=59), wait_minutes=1)
    first = monday - timedelta(days=1)
    found = demand.ticket_arrivals(site=site, first_day=first, end_day=first + timedelta(days=3))
    a = found[(service.pk, None)]
    assert a.shape == (3, 96)
    assert a[1, 40] == 2 and a[1, 41] == 1  # 10:00-10:15 and 10:15-10:30 on the Tuesday
    assert found[(other.pk, None)][1, 67] == 1  # 16:45
    assert np.isnan(a[1, 20])  # 05:00: closed
    assert np.isnan(a[0]).all()  # Monday 25 May 2026: Buddha's Birthday observed, closed
    by_channel = demand.ticket_arrivals(
        site=site, first_day=first, end_day=first + timedelta(days=3), by_channel=True
    )
    assert by_channel[(service.pk, "remote")][1, 40] == 1
    assert by_channel[(service.pk, "kiosk")][1, 40] == 1


def test_holidays_are_closed_days(agency):
    site = SiteFactory(agency=agency)
    ServiceFactory(site=site, prefix="A")
    # 1 May 2026 (Friday) is Labour Day in Hong Kong; 2 and 3 May are a weekend.
    first = datetime(2026, 4, 30, tzinfo=HK).date()
    matrices = demand.site_service_arrivals(
        site=site, first_day=first, end_day=first + timedelta(days=5)
    )
    (matrix,) = matrices.values()
    closed = np.isnan(matrix).all(axis=1)
    assert closed.tolist() == [False, True, True, True, False]


def test_case_contacts_per_channel(agency):
    received = datetime(2026, 5, 26, 9, 20, tzinfo=HK)
    for n, channel in enumerate(["phone", "phone", "email"]):
        Case.objects.create(
            reference=f"HSG-2026-{n:06d}", agency=agency, kind="enquiry", channel=channel,
            subject="s", description="d", received_at=received,
        )  # fmt: skip
    first = received.date()
    found = demand.case_contacts(agency=agency, first_day=first, end_day=first + timedelta(days=1))
    assert found["phone"][0, 37] == 2
    assert found["email"][0, 37] == 1


def test_service_minutes_and_no_shows(agency):
    site = SiteFactory(agency=agency)
    service = ServiceFactory(site=site, prefix="A", default_service_minutes=5)
    with time_machine.travel(TODAY, tick=False):
        steady_history(service, weeks=1)
        make_ticket(service=service, joined=TODAY - timedelta(days=1, hours=-2), wait_minutes=None,
                    status="no_show")  # fmt: skip
        share, mean_wait = demand.abandonment(service=service, since=TODAY - timedelta(days=30))
    assert share == pytest.approx(1 / 9)
    assert mean_wait == pytest.approx(3.0)
