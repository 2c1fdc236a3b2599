"""Second walk of journey 8: the committee report of a month not over yet says a pledge behind
its target is behind so far (as the transparency page does), not missed; and a month not begun
has no report (it would say every site met every pledge)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 10, 20, 12, tzinfo=HK)


@pytest.fixture
def executive(client, agency):
    client.force_login(StaffFactory(agency=agency, role=Role.EXECUTIVE).user)
    return client


@pytest.fixture
def slow_waits(agency):
    """Waits far over a 90th-percentile pledge of 20 minutes in September and so far in October."""
    with time_machine.travel(NOW, tick=False):
        service = ServiceFactory(site=SiteFactory(agency=agency, name="North"), prefix="A")
        for day in (datetime(2026, 9, 7, 10, tzinfo=HK), datetime(2026, 10, 5, 10, tzinfo=HK)):
            for wait in (25, 30, 35, 40):
                make_ticket(service=service, joined=day, wait_minutes=wait)
        pledge = make_pledge(agency=agency, metric="wait_p90", target=20)
        recompute_pledge(pledge)
        yield pledge


def _report(client, month: str):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("pledges:staff_report"), {"month": month})


def _result_cells(html: str) -> str:
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    return table


def test_the_month_still_running_is_behind_so_far_not_missed(executive, slow_waits):
    html = _report(executive, "2026-10").content.decode()
    cells = _result_cells(html)
    assert "Behind so far" in cells
    assert "Missed" not in cells
    assert 'data-testid="month-not-over"' in html
    assert "1 behind so far." in html and "missed." not in html


def test_a_month_that_is_over_is_still_missed(executive, slow_waits):
    html = _report(executive, "2026-09").content.decode()
    cells = _result_cells(html)
    assert "Missed" in cells and "Behind so far" not in cells
    assert 'data-testid="month-not-over"' not in html
    assert "1 missed." in html


@pytest.mark.parametrize("month", ["2026-11", "2027-01"])
def test_a_month_not_begun_has_no_report(executive, slow_waits, month):
    response = _report(executive, month)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{month} has not begun yet" in html
    assert "Every site met every pledge" not in html


def test_the_summary_counts_the_pledges_with_no_data_too(executive, slow_waits, agency):
    make_pledge(agency=agency, metric="appointments_on_time", target=90)
    html = _report(executive, "2026-09").content.decode()
    summary = html[html.index("<h2>") : html.index("<table>")]
    assert "0 of 2 pledges met this month." in summary
    assert "1 missed." in summary and "1 with no data yet." in summary


@pytest.mark.parametrize(
    ("typed", "why"), [("2026-13", "like 2026-10"), ("2027-01", "has not begun yet")]
)
def test_a_month_that_cannot_be_shown_gives_the_chooser_back_not_a_dead_end(
    executive, slow_waits, typed, why
):
    """The committee secretary who mistypes the month sees what to change beside the month she
    typed (kept in the box, the box marked invalid) and the last month's report under it."""
    response = _report(executive, typed)
    assert response.status_code == 400
    html = response.content.decode()
    error = html[html.index('data-testid="month-error"') :]
    assert why in error[:400]
    assert "Below is the report for September 2026." in error[:400]
    assert f'value="{typed}"' in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="report-month-hint report-month-error"' in html
    assert "<tbody>" in html  # the report itself is there
    # The PDF cannot be "the form again": it stays a plain 400 with the reason.
    pdf = executive.get(reverse("pledges:staff_report"), {"month": typed, "format": "pdf"})
    assert pdf.status_code == 400 and pdf["Content-Type"].startswith("text/html")
