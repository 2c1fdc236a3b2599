"""Run-rate alerts: owner and QSM told once per pledge and period, by email and in the app."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.pledges.incremental import recompute_changed
from civicdesk.pledges.models import PledgeAlert
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

HK = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture
def setting(agency):
    service = ServiceFactory(site=SiteFactory(agency=agency), prefix="A")
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    owner = StaffFactory(agency=agency, role=Role.TEAM_LEAD)
    StaffFactory(agency=agency, role=Role.FRONTLINE)
    return service, qsm, owner


def _waits(service, day, waits):
    for wait in waits:
        make_ticket(
            service=service, joined=datetime(2026, 10, day, 10, tzinfo=HK), wait_minutes=wait
        )


@pytest.mark.django_db(transaction=True)
def test_heading_to_miss_tells_owner_and_qsm_once(agency, setting):
    service, qsm, owner = setting
    with time_machine.travel(datetime(2026, 10, 12, 12, tzinfo=HK), tick=False):
        _waits(service, 5, [5] * 6 + [40] * 6)  # 50% within 20 minutes against 90%
        pledge = make_pledge(
            agency=agency, metric="tickets_within", target=90, threshold=20, owner=owner
        )
        assert recompute_changed()["alerts"] == 1
        alert = PledgeAlert.objects.get()
        assert (alert.pledge, alert.label, alert.value, alert.count) == (
            pledge,
            "2026-10",
            50.0,
            12,
        )
        assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == sorted(
            [qsm.user.email, owner.user.email]
        )
        # A link a mail client can open: the site's address, not a bare path.
        link = f"{settings.CIVICDESK_PUBLIC_URL.rstrip('/')}/staff/pledges/{pledge.pk}/"
        assert link.startswith("http")
        for body in OutboxMessage.objects.values_list("body", flat=True):
            assert f"See the pledge: {link}" in body
    with time_machine.travel(datetime(2026, 10, 13, 12, tzinfo=HK), tick=False):
        _waits(service, 13, [50])
        assert recompute_changed()["alerts"] == 0
        assert OutboxMessage.objects.count() == 2


@pytest.mark.django_db
def test_no_alert_early_in_the_period_or_on_few_items(agency, setting):
    service, _qsm, owner = setting
    with time_machine.travel(datetime(2026, 10, 3, 12, tzinfo=HK), tick=False):
        _waits(service, 2, [40] * 12)
        make_pledge(agency=agency, metric="tickets_within", target=90, threshold=20, owner=owner)
        assert recompute_changed()["alerts"] == 0  # 3 of 31 days: too early to say
    with time_machine.travel(datetime(2026, 10, 20, 12, tzinfo=HK) + timedelta(days=0), tick=False):
        PledgeAlert.objects.all().delete()
        make_pledge(agency=agency, metric="wait_mean", target=5, owner=owner, site=service.site)
        recompute_changed()
        # The wait pledge rests on 12 items and is missed; the share pledge too: both alert.
        assert PledgeAlert.objects.count() == 2
