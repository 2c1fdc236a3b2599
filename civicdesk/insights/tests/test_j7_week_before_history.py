"""Second walk of journey 7: asking for advice for a week before the site's first visit is
refused beside a message, not computed into an empty forecast shown as advice."""

from datetime import timedelta

import pytest

from civicdesk.insights import staffing
from civicdesk.insights.models import StaffingRun
from civicdesk.insights.tests.factories import WEEK, rent_office
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.queues.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(agency):
    return rent_office(agency, "North Office", advice=False)


def test_a_week_before_the_first_visit_is_refused_and_not_queued(client, agency, office):
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    first = Ticket.objects.filter(site=office).order_by("day").first().day
    response = client.post(f"/staff/insights/sites/{office.pk}/request/", {"week": "2020-W01"})
    assert response.status_code == 400
    assert f"has no visits before {first.isoformat()}" in response.content.decode()
    assert not StaffingRun.objects.filter(site=office, week="2020-W01").exists()


def test_the_week_of_the_first_visit_and_later_weeks_may_be_asked_for(office):
    first = Ticket.objects.filter(site=office).order_by("day").first().day
    week_of_first = staffing.week_label(first - timedelta(days=first.weekday()))
    for week in (week_of_first, WEEK):
        assert staffing.run_request(site=office, week=week).week == week
