"""An alert names its period as people read it ("October 2026", 2026年10月, "Q4 2026") in each
recipient's own language, as the app does; the ISO code ("2026-10") stays in the alert row and
the audit data, for machines."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.audit.models import AuditEntry
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.pledges.incremental import recompute_changed
from civicdesk.pledges.models import PledgeAlert
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

HK = ZoneInfo("Asia/Hong_Kong")


def _missed_waits(agency, day):
    service = ServiceFactory(site=SiteFactory(agency=agency), prefix="A")
    for wait in [5] * 6 + [40] * 6:  # 50% within 20 minutes against 90%
        make_ticket(
            service=service, joined=datetime(2026, 10, day, 10, tzinfo=HK), wait_minutes=wait
        )


def _mail_by_person(people):
    return {
        person.preferred_language: OutboxMessage.objects.get(to=person.user.email)
        for person in people
    }


@pytest.mark.django_db(transaction=True)
def test_a_monthly_alert_names_the_month_in_each_recipients_language(agency):
    qsm_en = StaffFactory(agency=agency, role=Role.QSM, preferred_language="en")
    qsm_zh = StaffFactory(agency=agency, role=Role.QSM, preferred_language="zh-hant")
    owner_ms = StaffFactory(agency=agency, role=Role.TEAM_LEAD, preferred_language="ms")
    with time_machine.travel(datetime(2026, 10, 12, 12, tzinfo=HK), tick=False):
        _missed_waits(agency, 5)
        make_pledge(agency=agency, metric="tickets_within", target=90, threshold=20, owner=owner_ms)
        assert recompute_changed()["alerts"] == 1
    mail = _mail_by_person([qsm_en, qsm_zh, owner_ms])
    assert mail["en"].subject == "Pledge at risk this period: October 2026"
    assert "So far in October 2026: 50.0 against a target of 90" in mail["en"].body
    assert mail["zh-hant"].subject == "本期服務承諾有未能達標的風險：2026年10月"
    assert "2026年10月至今：" in mail["zh-hant"].body
    assert mail["ms"].subject.endswith(": Oktober 2026")
    assert "Setakat ini bagi Oktober 2026:" in mail["ms"].body
    for message in mail.values():
        assert "2026-10" not in message.subject + message.body
    # Machines keep the code.
    assert PledgeAlert.objects.get().label == "2026-10"
    assert AuditEntry.objects.get(action="pledge.alert").data["period"] == "2026-10"


@pytest.mark.django_db(transaction=True)
def test_a_quarterly_alert_names_the_quarter(agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM, preferred_language="en")
    with time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=HK), tick=False):
        _missed_waits(agency, 5)
        make_pledge(
            agency=agency, metric="tickets_within", target=90, threshold=20, period="quarter"
        )
        assert recompute_changed()["alerts"] == 1
    message = OutboxMessage.objects.get(to=qsm.user.email)
    assert message.subject == "Pledge at risk this period: Q4 2026"
    assert "So far in Q4 2026:" in message.body
    assert "2026-Q4" not in message.subject + message.body
