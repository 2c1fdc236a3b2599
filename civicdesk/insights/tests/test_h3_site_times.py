"""A manager looking after sites in two zones reads when each site's advice was computed on that
site's clock, with the zone named since they differ (it was the server's clock, unlabelled, on
the site page, and the list of sites did not say when at all)."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from civicdesk.insights.models import RunStatus, StaffingRun
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory

pytestmark = pytest.mark.django_db
WEEK = "2026-W23"
FINISHED = datetime(2026, 6, 1, 1, 30, tzinfo=UTC)  # 09:30 in Hong Kong, 13:30 in Auckland


@pytest.fixture(autouse=True)
def _language_back_to_default():
    yield
    translation.deactivate()


@pytest.fixture
def sites(agency, settings):
    settings.TIME_ZONE = "Asia/Hong_Kong"
    home = SiteFactory(agency=agency, code="HK", name="Harbour", timezone="Asia/Hong_Kong")
    away = SiteFactory(agency=agency, code="AKL", name="Auckland", timezone="Pacific/Auckland")
    for site in (home, away):
        StaffingRun.objects.create(
            site=site, week=WEEK, status=RunStatus.DONE, requested_at=FINISHED,
            finished_at=FINISHED,
        )  # fmt: skip
    return home, away


def test_the_list_of_sites_gives_each_its_own_time_and_zone(client, agency, sites):
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    page = client.get(f"/staff/insights/?week={WEEK}").content.decode()
    assert "1 Jun 2026 09:30 (UTC+08:00)" in page
    assert "1 Jun 2026 13:30 (UTC+12:00)" in page


def test_one_zone_is_not_named(client, agency, sites):
    _home, away = sites
    away.timezone = "Asia/Hong_Kong"
    away.save()
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    page = client.get(f"/staff/insights/?week={WEEK}").content.decode()
    assert "1 Jun 2026 09:30<" in page and "UTC+" not in page


def test_the_site_page_says_when_on_the_site_clock(client, agency, sites):
    _home, away = sites
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    page = client.get(f"/staff/insights/sites/{away.pk}/?week={WEEK}").content.decode()
    assert "Advice computed 1 June 2026, 13:30." in page


def test_the_site_page_dates_the_history_in_the_reader_language(client, agency):
    from civicdesk.insights.tests.factories import WEEK as ADVICE_WEEK
    from civicdesk.insights.tests.factories import rent_office

    office = rent_office(agency, "North Office")
    result = StaffingRun.objects.get(site=office, week=ADVICE_WEEK).result
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    client.cookies["django_language"] = "zh-hant"
    page = client.get(f"/staff/insights/sites/{office.pk}/?week={ADVICE_WEEK}").content.decode()
    first = datetime.fromisoformat(result["history_from"])
    assert f"{first.year}年{first.month}月{first.day}日" in page
    assert result["history_from"] not in page  # not 2026-04-20 in a Chinese sentence
    # The nine-column roster scrolls within its own region (it pushed the page wider in Malay).
    assert 'role="region" aria-labelledby="roster-caption" tabindex="0"' in page
