"""The site page's roster caption and forecast table named their day as an ISO date
("… on 2026-06-02") on Chinese and Malay pages; they name it as the reader writes a date, with the
weekday, and the forecast table keeps the ISO date for machines in <time datetime>."""

import re

import pytest
from django.conf import settings

from civicdesk.insights.tests.factories import WEEK, rent_office
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# 2026-06-02 is a Tuesday in the week of the stored advice (2026-W23).
CAPTIONS = {
    "zh-hant": "2026年6月2日（星期二）所需及已編排的人手",
    "zh-hans": "2026年6月2日（星期二）所需及计划人员",
    "ms": "Kakitangan diperlukan dan dirancang pada Selasa 2 Jun 2026",
    "en": "Required and planned staff on Tuesday 2 June 2026",
}
FIRST_DAY = {"zh-hant": "6月1日（星期一）", "zh-hans": "6月1日（周一）", "ms": "Isn 1 Jun",
             "en": "Mon 1 Jun"}  # fmt: skip


@pytest.fixture
def page(client, agency):
    office = rent_office(agency, "North Office")
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)

    def get(language: str) -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        url = f"/staff/insights/sites/{office.pk}/?week={WEEK}&day=2026-06-02"
        return client.get(url).content.decode()

    return get


@pytest.mark.parametrize("language", list(CAPTIONS))
def test_roster_caption_names_the_day_in_the_readers_language(page, language):
    html = page(language)
    caption = re.search(r'id="roster-caption">(.*?)</caption>', html).group(1)
    assert caption == CAPTIONS[language]


@pytest.mark.parametrize("language", list(FIRST_DAY))
def test_forecast_table_days_in_the_readers_language_with_iso_for_machines(page, language):
    html = page(language)
    table = html[html.index('id="forecast-table"') :]
    table = table[: table.index("</table>")]
    days = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table)
    assert days[0] == f'<time datetime="2026-06-01">{FIRST_DAY[language]}</time>'
    assert len(days) >= 5
    shown = re.sub(r'datetime="[^"]*"', "", table)
    assert not re.search(r"\d{4}-\d\d-\d\d", shown)
