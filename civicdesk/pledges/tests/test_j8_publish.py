"""The executive publishes: the figures agree and say their unit, comparisons compare like with
like, the committee report can be chosen and printed, and bad input is never a 500."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.pledges import selectors, sentences
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.models import PeriodResult
from civicdesk.pledges.periods import parse_month
from civicdesk.pledges.report import render_monthly_html
from civicdesk.pledges.selectors import PledgeSummary
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 10, 20, 12, tzinfo=HK)


@pytest.fixture
def waits(agency):
    """September at HSG: 8 tickets, waits 5 to 30 minutes; a 90th-percentile pledge of 20."""
    with time_machine.travel(NOW, tick=False):
        service = ServiceFactory(site=SiteFactory(agency=agency, name="North"), prefix="A")
        for wait in (5, 5, 10, 10, 10, 15, 25, 30):
            make_ticket(service=service, joined=datetime(2026, 9, 7, 10, tzinfo=HK),
                        wait_minutes=wait)  # fmt: skip
        pledge = make_pledge(agency=agency, metric="wait_p90", target=20)
        recompute_pledge(pledge)
        yield pledge


@pytest.fixture
def executive(client, agency):
    client.force_login(StaffFactory(agency=agency, role=Role.EXECUTIVE).user)
    return client


@pytest.mark.parametrize("month", ["abc", "2026-13", "9999-12", "0001-01", "1" * 30 + "-01"])
def test_report_refuses_a_bad_month_with_a_message_not_a_500_nor_another_month(
    executive, waits, month
):
    with time_machine.travel(NOW, tick=False):
        response = executive.get(reverse("pledges:staff_report"), {"month": month})
    assert response.status_code == 400
    assert "like 2026-10" in response.content.decode()


def test_parse_month_keeps_to_years_a_trend_can_be_computed_for():
    assert parse_month("2026-10") == date(2026, 10, 1)
    for text in ("9999-12", "0001-01", "2026-10-01", "2026"):
        with pytest.raises(ValueError):
            parse_month(text)


def test_report_page_chooses_the_month_and_offers_the_pdf_but_prints_neither(executive, waits):
    with time_machine.travel(NOW, tick=False):
        html = executive.get(reverse("pledges:staff_report"), {"month": "2026-09"}).content
        html = html.decode()
        pdf_html = render_monthly_html(waits.agency, date(2026, 9, 1))
    assert 'name="month" value="2026-09"' in html
    assert "month=2026-09&amp;format=pdf" in html
    assert f'href="{reverse("pledges:manage")}"' in html
    assert "@media print { .report-tools { display: none; } }" in html
    # The PDF (and the CLI's HTML) has no form.
    assert 'name="month"' not in pdf_html and "Download as PDF" not in pdf_html


def test_report_gives_each_figure_its_unit(executive, waits):
    with time_machine.travel(NOW, tick=False):
        html = executive.get(reverse("pledges:staff_report"), {"month": "2026-09"}).content
    html = html.decode()
    # Nearest rank of 8 waits: the 8th, 30 minutes; the target is at most 20 minutes.
    assert "at most 20.0 min" in html
    assert "30.0 min" in html


def test_agency_comparison_leaves_out_pledges_defined_differently(agency, other_agency):
    complaints = make_pledge(agency=agency, metric="cases_reply_within", target=95,
                             threshold=10, unit="working_days", case_kind="complaint")  # fmt: skip
    all_cases = make_pledge(agency=other_agency, metric="cases_reply_within", target=90)
    same = make_pledge(agency=other_agency, metric="cases_reply_within", target=80,
                       threshold=10, unit="working_days", case_kind="complaint")  # fmt: skip

    def summary(pledge, value):
        result = PeriodResult(pledge=pledge, period="month", period_start=date(2026, 9, 1),
                              period_end=date(2026, 9, 30), label="2026-09", value=value,
                              count=10, target=pledge.target, met=True, is_complete=True)  # fmt: skip
        return PledgeSummary(pledge=pledge, trend=[result])

    assert selectors.benchmarks([summary(complaints, 100), summary(all_cases, 80)]) == []
    (bench,) = selectors.benchmarks(
        [summary(complaints, 100), summary(all_cases, 80), summary(same, 70)]
    )
    assert [p for p, _r in bench.rows] == [complaints, same]
    assert "within 10 working days" in bench.label and "complaints" in bench.label


def test_sentences_are_joined_the_way_the_language_joins_them(agency, monkeypatch):
    pledge = make_pledge(agency=agency, metric="tickets_within", target=90, threshold=20,
                         exclusions=["no_show", "priority"])  # fmt: skip
    english = pledge.sentence
    assert english == (
        "We call 90% of visitors to the counter within 20 minutes of their arrival. Measured "
        "each month. Not counted: visitors who did not come when called; priority-lane visitors."
    )
    # A language without spaces between sentences and with its own full stop and separator.
    chinese_style = {
        "%(first)s %(second)s": "%(first)s%(second)s",
        "%(sentence)s.": "%(sentence)s。",
        "%(list)s; %(item)s": "%(list)s；%(item)s",
    }
    original = sentences._
    monkeypatch.setattr(sentences, "_", lambda text: chinese_style.get(text, original(text)))
    joined = pledge.sentence
    assert "arrival.Measured each month。Not counted:" in joined
    assert "when called；priority-lane" in joined


def test_pledge_sentence_names_the_category_in_chinese(agency):
    category = CategoryFactory(agency=agency, name="Water leak", name_zh="漏水")
    pledge = make_pledge(agency=agency, metric="cases_reply_within", target=90, category=category)
    with translation.override("zh-hant"):
        assert "漏水" in pledge.sentence
    with translation.override("en"):
        assert "about Water leak" in pledge.sentence


def test_home_page_leads_to_the_transparency_page(client, agency):
    html = client.get("/").content.decode()
    assert f'href="{reverse("pledges:city")}"' in html


def test_open_data_page_lists_each_agencys_pledge_definitions(client, waits):
    html = client.get(reverse("pledges:open_data")).content.decode()
    assert reverse("pledges:agency_pledges", args=["HSG", "json"]) in html
    assert reverse("pledges:agency_pledges", args=["HSG", "csv"]) in html
    assert client.get(reverse("pledges:agency_pledges", args=["HSG", "json"])).status_code == 200
