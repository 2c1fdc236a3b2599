"""A session that has ended says so instead of its places left, and offers no enrolment; the
report's ideas per site and the assessment averages on people's pages read with two decimals
(they read 2.0 beside 4.12, and 3 beside 2.5)."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.workforce import services
from civicdesk.workforce.report import render_report_html
from civicdesk.workforce.tests.factories import (
    idea_by,
    promulgated_profile,
    ratings_for,
    team,
    training_with_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back_to_default():
    yield
    translation.deactivate()


@pytest.fixture
def past_session(agency):
    site, _lead, officer, colleague = team(agency)
    trainer, _course, session = training_with_session(agency, site=site, capacity=12, days_ahead=2)
    services.enrolment_create(actor=trainer.user, session=session, staff=officer)
    return {"session": session, "trainer": trainer, "officer": officer, "colleague": colleague}


def test_ended_session_says_it_ended_and_offers_no_enrolment(client, past_session):
    session = past_session["session"]
    url = reverse("workforce:session", args=[session.pk])
    client.force_login(past_session["colleague"].user)
    before = client.get(url).content.decode()
    assert "11 / 12" in before and "Enrol me" in before
    with time_machine.travel(session.ends_at + timedelta(days=5), tick=False):
        client.force_login(past_session["colleague"].user)
        page = client.get(url).content.decode()
        listing = client.get(reverse("workforce:training") + "?all=1").content.decode()
    assert "11 / 12" not in page and "Places left" not in page
    assert "Closed: the session ended on" in page
    assert "Enrol me" not in page
    row = re.search(r'<tbody class="govuk-table__body">.*?</tbody>', listing, re.S).group(0)
    assert "11 / 12" not in row and "Ended" in row


def test_session_under_way_says_enrolment_is_closed(client, past_session):
    session = past_session["session"]
    with time_machine.travel(session.starts_at + timedelta(hours=1), tick=False):
        client.force_login(past_session["trainer"].user)
        page = client.get(reverse("workforce:session", args=[session.pk])).content.decode()
        listing = client.get(reverse("workforce:training")).content.decode()
    assert "Closed: the session has started." in page and "11 / 12" not in page
    assert "Under way" in listing and "11 / 12" not in listing


def test_report_ideas_per_site_with_the_same_decimals(agency):
    pilot_a, pilot_b, other = (SiteFactory(agency=agency) for _ in range(3))
    _s, _lead, officer, _c = team(agency, site=pilot_a)
    _s, _lead, officer_b, _c = team(agency, site=pilot_b)
    _s, _lead, officer_c, _c = team(agency, site=other)
    programme = services.pilot_programme_create(
        actor=None,
        agency=agency,
        name="Pilot",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 2, 28),
        sites=[pilot_a, pilot_b],
    )
    with time_machine.travel("2026-11-10 09:00 +08:00", tick=False):
        for person, n in ((officer, 3), (officer_b, 2), (officer_c, 2)):
            for i in range(n):
                idea_by(person, title=f"Idea {i}")
        with translation.override("en"):
            html = render_report_html(programme)
    table = re.search(r'data-testid="idea-totals".*?</table>', html, re.S).group(0)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table)
    # Counts whole; ideas per site (5 at 2 pilot sites, 2 at 1 other site) with two decimals.
    assert cells == ["5", "0", "2.50", "2", "0", "2.00"]


def test_averages_on_person_and_team_pages_have_two_decimals(client, agency):
    _site, lead, officer, _colleague = team(agency)
    profile = promulgated_profile(agency)
    services.assessment_submit(actor=officer.user, subject=officer, ratings=ratings_for(profile, 3))
    client.force_login(lead.user)
    for url in (reverse("workforce:person", args=[officer.pk]), reverse("workforce:team")):
        html = client.get(url).content.decode()
        # The averages: the person's (a row of its own) or each member's and the trend's.
        cells = re.findall(r'govuk-table__cell--numeric">([^<]*)</td>', html)
        assert "3.00" in cells, url
        assert "3.0" not in cells, url
        assert cells.count("3") <= 4, url  # the person's own ratings of 4 behaviours
    client.force_login(officer.user)
    home = client.get(reverse("workforce:home")).content.decode()
    assert "· 3.00" in home


def test_chart_writes_averages_with_the_same_decimals_and_counts_whole():
    from civicdesk.workforce.charts import bar_chart

    averages = bar_chart(
        title="Average", labels=["2026-Q3"], series=[("Self", [2.88]), ("Supervisor", [3])]
    )
    assert ">2.88<" in averages and ">3.00<" in averages and ">3<" not in averages
    counts = bar_chart(title="Ideas", labels=["A"], series=[("Initiated", [4]), ("Done", [2])])
    assert ">4<" in counts and ">2<" in counts
