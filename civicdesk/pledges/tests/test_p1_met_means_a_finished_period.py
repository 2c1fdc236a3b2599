""" "Met" is said only of a pledge judged over a finished period. A quarterly pledge on target in
a finished month whose quarter is still running is "on track so far", on the transparency page
and in the monthly report alike, and the staff API says the same of its result."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.report import build_monthly
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 12, 3, 12, tzinfo=HK)  # November is over; the fourth quarter is not


@pytest.fixture
def pledges(agency):
    """Visitors in October and November, all called within 20 minutes: a monthly pledge met
    in November, and a quarterly one on target over the quarter so far (no quarter finished)."""
    with time_machine.travel(NOW, tick=False):
        service = ServiceFactory(site=SiteFactory(agency=agency, name="North"), prefix="A")
        for day in (datetime(2026, 10, 6, 10, tzinfo=HK), datetime(2026, 11, 9, 10, tzinfo=HK)):
            for wait in (5, 10):
                make_ticket(service=service, joined=day, wait_minutes=wait)
        made = {}
        for period in ("month", "quarter"):
            made[period] = make_pledge(agency=agency, metric="tickets_within", target=80,
                                       threshold=20, period=period)  # fmt: skip
            recompute_pledge(made[period])
    return made


def _city_row(client, agency) -> dict:
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("pledges:city")).content.decode()
    head = html[html.index('id="agencies-caption"') : html.index("</thead>")]
    columns = re.findall(r'numeric">([^<]+)</th>', head)
    row = html[html.index(f'href="/pledges/{agency.code}/"') :]
    row = row[: row.index("</tr>")]
    return dict(zip(columns, map(int, re.findall(r'numeric">(\d+)</td>', row)), strict=True))


def test_the_city_page_counts_a_quarter_so_far_as_on_track_not_met(client, agency, pledges):
    row = _city_row(client, agency)
    assert row == {
        "Pledges": 2,
        "Met": 1,
        "Missed": 0,
        "On track so far": 1,
        "Behind so far": 0,
        "No data": 0,
    }


def test_the_report_of_a_finished_month_counts_it_on_track_too(client, agency, pledges):
    with time_machine.travel(NOW, tick=False):
        report = build_monthly(agency, date(2026, 11, 1))
    assert report["month_over"]
    assert [line["pledge"] for line in report["met"]] == [pledges["month"]]
    assert [line["pledge"] for line in report["on_track"]] == [pledges["quarter"]]
    assert report["missed"] == report["behind"] == report["no_data"] == []

    client.force_login(StaffFactory(agency=agency, role=Role.EXECUTIVE).user)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("pledges:staff_report"), {"month": "2026-11"}).content.decode()
    start = html.index('data-testid="report-summary"')
    summary = html[start : html.index("</p>", start)]
    assert "1 of 2 pledges met this month." in summary
    assert "1 on track so far." in summary
    # The page's agency row and the report agree.
    row = _city_row(client, agency)
    assert (row["Met"], row["On track so far"]) == (len(report["met"]), len(report["on_track"]))


def test_the_api_marks_the_quarter_so_far_as_not_complete(client, agency, pledges):
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    with time_machine.travel(NOW, tick=False):
        results = client.get(f"/api/v1/pledges/{pledges['quarter'].pk}/results").json()
    overall = [r for r in results if r["site"] is None]
    assert [(r["label"], r["met"], r["is_complete"]) for r in overall] == [("2026-Q4", True, False)]
