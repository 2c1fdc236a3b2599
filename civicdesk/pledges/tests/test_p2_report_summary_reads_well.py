"""The monthly report's summary gives its counts together and the explanation after them; a
month still running heads its table "on track and behind so far"; a month without any data says
so rather than "0 of 3 pledges met"; Chinese sentences follow each other without a space. On
the transparency page a figure without data says "No data" once, not "no data yet No data"."""

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
EXPLANATION = "A quarterly or yearly pledge is judged over its quarter or year so far."


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


def _report(client, month: str) -> str:
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("pledges:staff_report"), {"month": month}).content.decode()


def _summary(html: str) -> str:
    start = html.index('data-testid="report-summary">') + len('data-testid="report-summary">')
    return html[start : html.index("</p>", start)]


def test_counts_come_together_and_the_explanation_after(executive, three_pledges):
    summary = _summary(_report(executive, "2026-10"))
    assert summary == (
        "1 of 3 pledges on track so far. 1 behind so far. 1 with no data yet. " + EXPLANATION
    )
    summary = _summary(_report(executive, "2026-09"))
    assert summary == "1 of 3 pledges met this month. 1 missed. 1 with no data yet. " + EXPLANATION


def test_a_running_month_heads_its_table_on_track_and_behind(executive, three_pledges):
    running = _report(executive, "2026-10")
    assert "<caption>Pledges on track and behind so far</caption>" in running
    assert "Pledges met and missed" not in running
    assert "<caption>Pledges met and missed</caption>" in _report(executive, "2026-09")


def test_a_month_without_data_says_so(executive, three_pledges):
    summary = _summary(_report(executive, "2020-01"))
    assert summary == "There is no data for January 2020."
    assert "0 of 3" not in summary


def test_chinese_sentences_follow_each_other_without_a_space(executive, three_pledges):
    executive.cookies["django_language"] = "zh-hant"
    summary = _summary(_report(executive, "2026-10"))
    assert "。 " not in summary and summary.count("。") >= 3


def test_no_data_is_said_once(client, agency):
    with time_machine.travel(NOW, tick=False):
        make_pledge(agency=agency, metric="appointments_on_time", target=90)
        recompute_pledge(make_pledge(agency=agency, metric="wait_p90", target=20))
        for language, once, twice in (
            ("en", "No data", "no data yet"),
            ("zh-hant", "沒有數據", "暫未有數據"),
        ):
            client.cookies["django_language"] = language
            html = client.get(reverse("pledges:agency", args=["HSG"])).content.decode()
            rows = [
                row.split("</div>", 1)[0] for row in html.split("govuk-summary-list__value")[1:]
            ]
            shown = [row for row in rows if once in row]
            assert shown, language
            assert not [row for row in shown if twice in row], language
