"""Pages named a week by its ISO code ("Week 2026-W23", chart bars "W10", period rows
"2026-W10"), which a manager does not read. They name it by its Monday's date in the reader's
language ("Week of 1 June 2026", "2026年6月1日"); addresses keep the code (?week=2026-W23)."""

import csv
import io
import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from civicdesk.insights import staffing
from civicdesk.insights.tests.factories import WEEK, rent_office
from civicdesk.insights.tests.test_j7_redeploy_page import _admin_client
from civicdesk.insights.tests.test_performance_scenario import build
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# WEEK is 2026-W23, whose Monday is 1 June 2026.
MONDAY = {
    "en": "1 June 2026",
    "ms": "1 Jun 2026",
    "zh-hant": "2026年6月1日",
    "zh-hans": "2026年6月1日",
}
ISO_WEEK = re.compile(r"\b\d{4}-W\d\d\b|\bW\d\d\b")


def _shown(html: str) -> str:
    """The words of a page, without the addresses, form values and patterns that keep codes."""
    html = re.sub(r'(href|value|action|pattern|datetime)="[^"]*"', "", html)
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    html = re.sub(r"<label[^>]*for=\"week\".*?</label>", "", html, flags=re.S)  # how to type one
    return html


@pytest.mark.parametrize("language", list(MONDAY))
def test_week_words_name_the_monday_in_the_readers_language(language):
    with translation.override(language):
        words = staffing.week_words(date(2026, 6, 1))
    assert MONDAY[language] in words
    assert "W23" not in words


@pytest.mark.parametrize("language", list(MONDAY))
def test_staffing_pages_show_the_week_as_a_date(client, agency, language):
    office = rent_office(agency, "North Office")
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    site_page = client.get(f"/staff/insights/sites/{office.pk}/?week={WEEK}").content.decode()
    caption = re.search(r'<span class="govuk-caption-l">(.*?)</span>', site_page).group(1)
    assert MONDAY[language] in caption
    if language == "en":
        assert caption == "Week of 1 June 2026"
    assert not ISO_WEEK.search(_shown(site_page))
    assert f"?week={WEEK}" in site_page  # the links keep the code

    home = client.get(f"/staff/insights/?week={WEEK}").content.decode()
    assert MONDAY[language] in home
    assert not ISO_WEEK.search(_shown(home))
    if language == "en":
        assert "Staffing advice for the week of 1 June 2026:" in home


def test_redeployment_page_shows_the_week_as_a_date(client, agency, offices):
    html = _admin_client(client, agency).get(
        f"/staff/insights/agencies/{agency.pk}/redeploy/?week={WEEK}"
    )
    html = html.content.decode()
    caption = re.search(r'<span class="govuk-caption-l">(.*?)</span>', html).group(1)
    assert caption.endswith("Week of 1 June 2026")
    assert not ISO_WEEK.search(_shown(html))
    assert f'name="week" value="{WEEK}"' in html  # the form still posts the code


WEEKS = "?period=custom&date_from=2026-03-02&date_to=2026-03-22"  # three weeks: by week


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_performance_weeks_are_dates_in_the_table_chart_and_csv(client, agency, language):
    scenario = build(agency)
    client.force_login(scenario.qsm.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("insights:performance") + WEEKS)
    assert response.context["report"].bucket == "week"
    labels = [row.label for row in response.context["report"].periods]
    mondays = {"en": ["2 March 2026", "9 March 2026", "16 March 2026"],
               "zh-hant": ["2026年3月2日", "2026年3月9日", "2026年3月16日"]}[language]  # fmt: skip
    assert len(labels) == 3
    assert all(m in label for m, label in zip(mondays, labels, strict=True))
    if language == "en":
        assert labels[0] == "Week of 2 March 2026"
    html = response.content.decode()
    chart = re.search(r"<svg.*?</svg>", html, flags=re.S).group(0)
    bars = re.findall(r'class="pledge-chart__label"[^>]*>([^<]*)<', chart)
    assert bars == ["2", "9", "16"]  # each Monday's day of the month
    assert not ISO_WEEK.search(_shown(html))

    download = client.get(reverse("insights:performance") + WEEKS + "&download=periods")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["2026-03-02", "2026-03-09", "2026-03-16"]
