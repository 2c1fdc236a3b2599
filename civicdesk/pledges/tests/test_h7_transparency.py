"""The transparency page tells the truth in words: an unfinished month is not "met", a
percentage comes with its counts, a figure from a handful of items is flagged, and each chart
and table is named after what it measures."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.models import PledgeAlert
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 10, 20, 12, tzinfo=HK)


def _tickets(agency, waits_by_day):
    service = ServiceFactory(site=SiteFactory(agency=agency, name="North"), prefix="A")
    for day, waits in waits_by_day.items():
        for wait in waits:
            make_ticket(service=service, joined=day, wait_minutes=wait)


def _page(client, agency) -> str:
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("pledges:agency", args=[agency.code])).content.decode()


@pytest.fixture
def within_20(agency):
    """September: 40 visitors, 30 called within 20 minutes (75%, target 80: missed).
    October so far: 3 visitors, all in time (100%: ahead, but the month is not over)."""
    with time_machine.travel(NOW, tick=False):
        _tickets(
            agency,
            {
                datetime(2026, 9, 7, 10, tzinfo=HK): [5] * 30 + [45] * 10,
                datetime(2026, 10, 5, 10, tzinfo=HK): [5, 5, 5],
            },
        )
        pledge = make_pledge(agency=agency, metric="tickets_within", target=80, threshold=20)
        recompute_pledge(pledge)
    return pledge


def test_a_month_not_over_is_on_track_not_met(client, agency, within_20):
    html = _page(client, agency)
    so_far = html.split("So far in October 2026", 1)[1].split("</div>", 1)[0]
    assert "On track so far" in so_far
    assert ">Met<" not in so_far
    # Nor in the trend table's row for October.
    october = html.split("October 2026 <span", 1)[1].split("</tr>", 1)[0]
    assert "On track so far" in october and ">Met<" not in october


def test_a_percentage_comes_with_its_counts(client, agency, within_20):
    html = _page(client, agency)
    assert "75.0%" in html
    assert "30 of 40 visitors were called in time." in html


def test_a_figure_from_few_items_is_flagged_and_one_from_many_is_not(client, agency, within_20):
    html = _page(client, agency)
    september = html.split("Achieved in September 2026", 1)[1].split("</div>", 1)[0]
    october = html.split("So far in October 2026", 1)[1].split("</div>", 1)[0]
    assert "Too few to be sure" not in september  # 40 visitors
    assert "3 of 3 visitors were called in time. Too few to be sure" in october


def test_each_chart_and_its_table_are_named_after_the_measure(client, agency, within_20):
    with time_machine.travel(NOW, tick=False):
        recompute_pledge(make_pledge(agency=agency, metric="wait_p90", target=30))
    html = _page(client, agency)
    for measure in ("Share of visitors called within a time", "90th-percentile wait"):
        name = f"Achievement by period: {measure}"
        assert f">{name}</title>" in html  # the chart's accessible name
        assert f">{name}</caption>" in html  # its table's caption
    # The chart's description gives the target with its unit.
    assert "the dashed line is the target of at least 80.0%" in html
    assert "the dashed line is the target of at most 30.0 min" in html


def test_staff_alerts_give_each_figure_its_unit(client, agency):

    share = make_pledge(agency=agency, metric="csat", target=85)
    wait = make_pledge(agency=agency, metric="wait_p90", target=30)
    for pledge, value in ((share, 61.8), (wait, 34.0)):
        PledgeAlert.objects.create(pledge=pledge, period_start=date(2026, 10, 1),
                                   label="2026-10", value=value, count=68)  # fmt: skip
    client.force_login(StaffFactory(agency=agency, role=Role.EXECUTIVE).user)
    with time_machine.travel(NOW, tick=False):
        listed = client.get(reverse("pledges:manage")).content.decode()
        detail = client.get(reverse("pledges:staff_detail", args=[wait.pk])).content.decode()
    assert "October 2026: 61.8% (68 items)" in listed
    assert "October 2026: 34.0 min (68 items)" in listed
    assert "October 2026: 34.0 min (" in detail


def test_report_of_a_month_not_over_says_on_track_not_met(client, agency, within_20):

    client.force_login(StaffFactory(agency=agency, role=Role.EXECUTIVE).user)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("pledges:staff_report"), {"month": "2026-10"}).content.decode()
    line = html.split("Pledges on track and behind so far", 1)[1].split("</table>", 1)[0]
    assert "On track so far" in line
    assert ">Met<" not in line
