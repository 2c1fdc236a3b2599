"""Second walk of journey 9: the programme report read in Chinese names the pilot sites in
Chinese in its charts as in its tables, and says why the sites' staff add up to more than
the total of staff at pilot sites."""

from datetime import date

import pytest
from django.conf import settings

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.workforce import services
from civicdesk.workforce.tests.factories import team

pytestmark = pytest.mark.django_db


def _report(client, lead, programme, language="en") -> str:
    client.force_login(lead.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/staff/workforce/programmes/{programme.pk}/report/")
    assert response.status_code == 200
    return response.content.decode()


def _programme(agency, sites):
    return services.pilot_programme_create(
        actor=None,
        agency=agency,
        name="Pilot",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 2, 28),
        sites=sites,
    )


def test_report_charts_name_the_sites_in_the_readers_language(client, agency):
    site = SiteFactory(agency=agency, name="Harbour Centre", names={"zh-hant": "海港中心"})
    _site, lead, _officer, _colleague = team(agency, site=site)
    html = _report(client, lead, _programme(agency, [site]), "zh-hant")
    charts = [part[: part.index("</svg>")] for part in html.split("<svg")[1:]]
    assert charts
    for chart in charts:
        assert "海港中心" in chart
        assert "Harbour Centre" not in chart


def test_report_says_staff_at_two_pilot_sites_count_at_both(client, agency):
    north, south = SiteFactory(agency=agency), SiteFactory(agency=agency)
    _site, lead, officer, _colleague = team(agency, site=north)
    officer.sites.add(south)
    html = _report(client, lead, _programme(agency, [north, south]))
    assert 'data-testid="report-training-shared"' in html
    assert "counts at each of them" in html


def test_report_has_no_such_note_when_nobody_works_at_two_sites(client, agency):
    north, south = SiteFactory(agency=agency), SiteFactory(agency=agency)
    _site, lead, _officer, _colleague = team(agency, site=north)
    team(agency, site=south)
    html = _report(client, lead, _programme(agency, [north, south]))
    assert 'data-testid="report-training-shared"' not in html
