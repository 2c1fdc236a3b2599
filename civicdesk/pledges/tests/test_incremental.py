"""The task recomputes only what changed; late data lands in the period it belongs to."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.pledges.incremental import recompute_changed
from civicdesk.pledges.models import DailyFigure, PeriodResult
from civicdesk.pledges.tasks import recompute_periodically
from civicdesk.pledges.tests.factories import make_answer, make_case, make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

HK = ZoneInfo("Asia/Hong_Kong")


def overall(pledge, start):
    return PeriodResult.objects.get(pledge=pledge, period_start=start, site=None)


@pytest.mark.django_db
def test_late_reply_updates_the_month_the_case_belongs_to(agency):
    with time_machine.travel(datetime(2026, 9, 28, 12, tzinfo=HK), tick=False):
        case = make_case(
            agency=agency,
            received=datetime(2026, 9, 28, 10, tzinfo=HK),
            reply_due_at=datetime(2026, 10, 12, 17, tzinfo=HK),
        )
        pledge = make_pledge(agency=agency, metric="cases_reply_within", target=90)
        assert recompute_changed()["full"] == 1
        # Not yet due: not counted yet.
        assert overall(pledge, date(2026, 9, 1)).count == 0
    with time_machine.travel(datetime(2026, 10, 9, 12, tzinfo=HK), tick=False):
        case.replied_at = datetime(2026, 10, 9, 11, tzinfo=HK)
        case.status = "resolved"
        case.save()
        done = recompute_changed()
        assert (done["full"], done["partial"]) == (0, 1)
        september = overall(pledge, date(2026, 9, 1))
        assert (september.count, september.hits, september.value) == (1, 1, 100.0)
        assert september.is_complete is True


@pytest.mark.django_db
def test_new_tickets_and_answers_are_picked_up_without_a_full_recompute(agency):
    service = ServiceFactory(site=SiteFactory(agency=agency), prefix="A")
    start = datetime(2026, 10, 5, 9, tzinfo=HK)
    with time_machine.travel(start, tick=False):
        tickets = make_pledge(agency=agency, metric="tickets_within", target=90, threshold=10)
        csat = make_pledge(agency=agency, metric="csat", target=80)
        make_ticket(service=service, joined=start - timedelta(days=3), wait_minutes=5)
        recompute_changed()
        old_day = DailyFigure.objects.get(pledge=tickets, day=date(2026, 10, 2))
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        make_ticket(service=service, joined=start + timedelta(hours=1), wait_minutes=30)
        make_answer(agency=agency, answered=start + timedelta(hours=2), csat=5)
        recompute_periodically()
        october = overall(tickets, date(2026, 10, 1))
        assert (october.count, october.hits, october.value) == (2, 1, 50.0)
        assert overall(csat, date(2026, 10, 1)).value == 100.0
        # Days before the mark were left alone.
        assert DailyFigure.objects.get(pledge=tickets, day=date(2026, 10, 2)).pk == old_day.pk


@pytest.mark.django_db
def test_changed_definition_is_measured_again_from_the_start(agency, admin_user):
    from civicdesk.organisations.roles import Role
    from civicdesk.organisations.tests.factories import StaffFactory
    from civicdesk.pledges.services import pledge_update

    service = ServiceFactory(site=SiteFactory(agency=agency), prefix="A")
    when = datetime(2026, 10, 5, 12, tzinfo=HK)
    with time_machine.travel(when, tick=False):
        make_ticket(service=service, joined=when - timedelta(days=30), wait_minutes=15)
        pledge = make_pledge(agency=agency, metric="tickets_within", target=90, threshold=10)
        recompute_changed()
        assert overall(pledge, date(2026, 9, 1)).value == 0.0
        qsm = StaffFactory(agency=agency, role=Role.QSM)
        pledge_update(actor=qsm.user, pledge=pledge, threshold=20)
        assert recompute_changed()["full"] == 1
        assert overall(pledge, date(2026, 9, 1)).value == 100.0
