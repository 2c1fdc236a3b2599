"""Periods are shown as people read them in their language ("November 2026", 2026年11月,
"Q4 2026"), not as ISO codes; the codes stay in the open data, URLs and form values. A chart's
period labels stay short ("Nov", "11月"), with the year only at the first bar and at January."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.periods import axis_labels, period_label, period_name
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 12, 7, 12, tzinfo=HK)


@pytest.mark.parametrize(
    ("language", "month", "quarter"),
    [
        ("en", "November 2026", "Q4 2026"),
        ("zh-hant", "2026年11月", None),
        ("zh-hans", "2026年11月", None),
        ("ms", "November 2026", None),
    ],
)
def test_a_period_is_named_as_people_read_it(language, month, quarter):
    with translation.override(language):
        assert period_name(date(2026, 11, 1), "month") == month
        assert period_name(date(2026, 1, 1), "year") == "2026"
        if quarter:
            assert period_name(date(2026, 10, 1), "quarter") == quarter
    # The machine code is unchanged: open data and the API publish it.
    assert period_label(date(2026, 11, 1), "month") == "2026-11"
    assert period_label(date(2026, 10, 1), "quarter") == "2026-Q4"


def test_chart_labels_are_short_with_the_year_at_the_start_and_at_january():
    months = [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    with translation.override("en"):
        assert [str(a) for a in axis_labels(months, "month")] == [
            "Nov 2026", "Dec", "Jan 2027", "Feb"
        ]  # fmt: skip
        assert [a.short for a in axis_labels(months, "month")] == ["Nov", "Dec", "Jan", "Feb"]
        assert [str(a) for a in axis_labels([date(2026, 10, 1)], "quarter")] == ["Q4 2026"]
    with translation.override("zh-hant"):
        assert [str(a) for a in axis_labels(months, "month")] == [
            "2026年11月", "12月", "2027年1月", "2月"
        ]  # fmt: skip


@pytest.fixture
def pledge(agency):
    with time_machine.travel(NOW, tick=False):
        service = ServiceFactory(site=SiteFactory(agency=agency, name="North"), prefix="A")
        for month in (10, 11, 12):
            for wait in (5, 10, 30):
                make_ticket(service=service, joined=datetime(2026, month, 3, 10, tzinfo=HK),
                            wait_minutes=wait)  # fmt: skip
        pledge = make_pledge(agency=agency, metric="tickets_within", target=60, threshold=20)
        recompute_pledge(pledge)
        return pledge


def _agency_page(client, language: str) -> str:
    client.cookies["django_language"] = language
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("pledges:agency", args=["HSG"])).content.decode()


def _chart_labels(html: str) -> list[str]:
    texts = re.findall(r'<text class="pledge-chart__label"[^>]*>(.*?)</text>', html)
    return [re.sub(r"<[^>]+>", "", t) for t in texts]


def test_the_transparency_page_names_periods_in_english(client, pledge):
    html = _agency_page(client, "en")
    assert "Achieved in November 2026" in html
    assert "So far in December 2026" in html
    assert "November 2026</th>" in html
    assert not re.search(r"20\d\d-\d\d", re.sub(r'(href|src|action|value)="[^"]*"', "", html))
    # The year at the first bar only, in a part a phone leaves out.
    assert _chart_labels(html) == ["Oct 2026", "Nov", "Dec"]
    assert '<tspan class="pledge-chart__year"> 2026</tspan>' in html


def test_the_transparency_page_names_periods_in_chinese(client, pledge):
    html = _agency_page(client, "zh-hant")
    assert "2026年11月" in html and "2026年12月" in html
    assert "2026-11" not in html and "2026-12" not in html
    assert _chart_labels(html) == ["2026年10月", "11月", "12月"]


def test_the_monthly_report_names_its_month(client, agency, pledge):
    client.force_login(StaffFactory(agency=agency, role=Role.EXECUTIVE).user)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("pledges:staff_report"), {"month": "2026-11"}).content.decode()
        client.cookies["django_language"] = "zh-hant"
        chinese = client.get(reverse("pledges:staff_report"), {"month": "2026-11"}).content
    assert "Pledges report for November 2026" in html
    assert _chart_labels(html) == ["Jun 2026", "Jul", "Aug", "Sep", "Oct", "Nov"]
    # The month chooser keeps the machine form.
    assert 'value="2026-11"' in html and "month=2026-11" in html
    assert "2026年11月" in chinese.decode() and "2026-11 " not in chinese.decode()


def test_open_data_keeps_iso_codes(client, pledge):
    with time_machine.travel(NOW, tick=False):
        body = client.get(reverse("pledges:results", args=["csv"])).content.decode()
    assert "2026-11" in body and "November 2026" not in body
