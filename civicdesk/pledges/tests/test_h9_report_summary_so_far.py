"""The monthly committee report's summary of a month not over yet counts the pledges on track so
far (with those behind and those with no data yet), not pledges "met this month"; a month that
is over keeps its "met this month". The PDF and the printed page say the same."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.pledges import report
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
def three_pledges(agency):
    """Waits of 25 to 40 minutes in September and so far in October: a 90th percentile within
    60 minutes is on target, within 20 is not; appointments have no data."""
    with time_machine.travel(NOW, tick=False):
        service = ServiceFactory(site=SiteFactory(agency=agency, name="North"), prefix="A")
        for day in (datetime(2026, 9, 7, 10, tzinfo=HK), datetime(2026, 10, 5, 10, tzinfo=HK)):
            for wait in (25, 30, 35, 40):
                make_ticket(service=service, joined=day, wait_minutes=wait)
        for target in (60, 20):
            recompute_pledge(make_pledge(agency=agency, metric="wait_p90", target=target))
        make_pledge(agency=agency, metric="appointments_on_time", target=90)


def _summary(html: str) -> str:
    start = html.index('data-testid="report-summary"')
    return html[start : html.index("</p>", start)]


def _report(client, month: str, **extra):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("pledges:staff_report"), {"month": month, **extra})


def test_a_running_month_counts_pledges_on_track_so_far_not_met(executive, three_pledges):
    summary = _summary(_report(executive, "2026-10").content.decode())
    assert "1 of 3 pledges on track so far." in summary
    assert "1 behind so far." in summary and "1 with no data yet." in summary
    assert "met this month" not in summary and "missed" not in summary


def test_a_finished_month_still_counts_pledges_met(executive, three_pledges):
    summary = _summary(_report(executive, "2026-09").content.decode())
    assert "1 of 3 pledges met this month." in summary
    assert "1 missed." in summary and "1 with no data yet." in summary
    assert "on track so far" not in summary and "behind so far" not in summary


@pytest.mark.parametrize(
    ("month", "said"),
    [("2026-10", "1 of 3 pledges on track so far."), ("2026-09", "1 of 3 pledges met this month.")],
)
def test_the_pdf_says_the_same(executive, three_pledges, monkeypatch, month, said):
    rendered = []
    original = report.render_monthly_html

    def spy(*args, **kwargs):
        rendered.append(original(*args, **kwargs))
        return rendered[-1]

    monkeypatch.setattr(report, "render_monthly_html", spy)
    response = _report(executive, month, format="pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(rendered) == 1
    assert said in _summary(rendered[0])
