"""The periodic reminder of overdue milestones."""

from datetime import date

import pytest
import time_machine

from civicdesk.core.periodic import REGISTRY
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.tasks import remind_overdue_milestones

pytestmark = pytest.mark.django_db


def test_owners_of_overdue_milestones_hear_once_a_day(agency):
    assert REGISTRY["workforce.overdue_milestones"].func is remind_overdue_milestones
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    owner = StaffFactory(agency=agency, role=Role.TEAM_LEAD)
    programme = services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="P",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 3, 1),
    )
    late = services.milestone_create(
        actor=admin.user,
        programme=programme,
        title="Train everyone",
        owner=owner,
        starts_on=date(2026, 9, 1),
        due_on=date(2026, 10, 1),
    )
    services.milestone_create(
        actor=admin.user,
        programme=programme,
        title="Later",
        owner=owner,
        starts_on=date(2026, 9, 1),
        due_on=date(2026, 12, 1),
    )
    with time_machine.travel("2026-10-05 09:00 +08:00", tick=False):
        assert remind_overdue_milestones() == 1
        assert remind_overdue_milestones() == 0  # same day: not again
    with time_machine.travel("2026-10-06 09:00 +08:00", tick=False):
        assert remind_overdue_milestones() == 1
        services.milestone_complete(actor=owner.user, milestone=late)
    with time_machine.travel("2026-10-07 09:00 +08:00", tick=False):
        assert remind_overdue_milestones() == 0
    reminders = OutboxMessage.objects.filter(to=owner.user.email, subject__contains="Overdue")
    assert reminders.count() == 2
