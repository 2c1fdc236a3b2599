"""Survey results name what they are narrowed to ("Site: North Point", not "site 12") and name
sites in the reader's language, as the pledges pages and the public forms do."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import (
    TEST_PASSWORD,
    AgencyFactory,
    SiteFactory,
    StaffFactory,
)
from civicdesk.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back_to_default():
    """Pages asked for in Chinese or Malay leave that language active in the thread."""
    yield
    translation.deactivate()


def _tags(html: str) -> list[str]:
    block = re.search(r'data-testid="active-filters">(.*?)</p>', html, re.S).group(1)
    return re.findall(r"<strong[^>]*>(.*?)</strong>", block)


@pytest.fixture
def qsm(client, agency):
    profile = StaffFactory(agency=agency, role=Role.QSM, display_name="Officer Wong")
    client.login(username=profile.user.username, password=TEST_PASSWORD)
    return profile


def test_narrowed_to_a_site_and_officer_says_their_names(client, agency, qsm):
    site = SiteFactory(agency=agency, name="North Point", names={"zh-hant": "北角"})
    ResponseFactory(agency=agency, site=site, officer=qsm, csat=5, nps=9, ces=6)
    with translation.override("en"):
        html = client.get(
            reverse("surveys:results"), {"site": site.pk, "officer": qsm.pk}
        ).content.decode()
    assert _tags(html) == ["Site: North Point", "Officer: Officer Wong"]


def test_sites_are_named_in_chinese(client, agency, qsm):
    site = SiteFactory(agency=agency, name="North Point", names={"zh-hant": "北角"})
    ResponseFactory(agency=agency, site=site, csat=5, nps=9, ces=6)
    client.cookies["django_language"] = "zh-hant"
    html = client.get(reverse("surveys:results"), {"site": site.pk}).content.decode()
    assert any("北角" in tag for tag in _tags(html))
    assert html.count("北角") >= 2  # the tag and the row of scores by site


def test_another_agencys_site_is_not_named(client, agency, qsm):
    elsewhere = SiteFactory(agency=AgencyFactory(code="TRN"), name="Secret Depot")
    ResponseFactory(agency=elsewhere.agency, site=elsewhere, csat=5, nps=9, ces=6)
    html = client.get(reverse("surveys:results"), {"site": elsewhere.pk}).content.decode()
    assert "Secret Depot" not in html
    assert "0 responses" in html


@pytest.mark.parametrize(
    "path", ["surveys:results", "surveys:comments", "surveys:export", "surveys:evaluate"]
)
@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "0001-01-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01", "group_by": "month"},
        {
            "scope_type": "site",
            "scopes": "1",
            "before_from": "0001-01-01",
            "before_to": "2026-06-01",
            "after_from": "2026-09-23",
            "after_to": "9999-12-31",
        },
    ],
)
def test_dates_off_the_calendar_are_refused_not_a_500(client, agency, qsm, path, query):
    site = SiteFactory(agency=agency)
    ResponseFactory(agency=agency, site=site, csat=5, nps=9, ces=6)
    with translation.override("en"):
        response = client.get(reverse(path), query)
    assert response.status_code < 500


def test_results_say_which_dates_are_accepted(client, agency, qsm):
    with translation.override("en"):
        html = client.get(reverse("surveys:results"), {"date_to": "9999-12-31"}).content.decode()
    assert "Enter a date from 2000 to 2099." in html


def test_before_and_after_offers_sites_in_chinese(client, agency, qsm):
    site = SiteFactory(agency=agency, name="North Point", names={"zh-hant": "北角"})
    ResponseFactory(agency=agency, site=site, csat=5, nps=9, ces=6)
    client.cookies["django_language"] = "zh-hant"
    html = client.get(reverse("surveys:evaluate")).content.decode()
    assert "北角" in html and "North Point" not in html
