"""Second walk of journey 9: the supervisor's pages show an average gap the way each
behaviour's gap is shown, signed and without a stray decimal ("+1" and "0", not "1" and "0.0")."""

import re

import pytest

from civicdesk.workforce import services
from civicdesk.workforce.tests.factories import promulgated_profile, ratings_for, team

pytestmark = pytest.mark.django_db


def _mixed(profile, low: int, high: int) -> dict[int, int]:
    ids = sorted(ratings_for(profile))
    return {b: (low if i % 2 else high) for i, b in enumerate(ids)}


@pytest.fixture
def assessed(agency):
    _site, lead, officer, colleague = team(agency)
    profile = promulgated_profile(agency)
    # The officer: self 3, supervisor 4 everywhere: a gap of +1.
    services.assessment_submit(actor=officer.user, subject=officer, ratings=ratings_for(profile, 3))
    services.assessment_submit(actor=lead.user, subject=officer, ratings=ratings_for(profile, 4))
    # The colleague: 2s and 3s both ways, averages with a half: a gap of exactly nought.
    both = _mixed(profile, 2, 3)
    services.assessment_submit(actor=colleague.user, subject=colleague, ratings=both)
    services.assessment_submit(actor=lead.user, subject=colleague, ratings=both)
    return lead, officer, colleague


def _row(html: str, name: str) -> list[str]:
    start = html.index(name)
    row = html[start : html.index("</tr>", start)]
    return re.findall(r'numeric">([^<]*)</td>', row)


def test_team_page_signs_the_gap_and_drops_a_stray_decimal(client, assessed):
    lead, officer, colleague = assessed
    client.force_login(lead.user)
    html = client.get("/staff/workforce/team/").content.decode()
    assert _row(html, officer.display_name)[-1] == "+1"
    assert _row(html, colleague.display_name)[-1] == "0"


def test_person_page_average_gap_is_signed_like_each_behaviours(client, assessed):
    lead, officer, _colleague = assessed
    client.force_login(lead.user)
    html = client.get(f"/staff/workforce/people/{officer.pk}/").content.decode()
    average = html[html.rindex(">Average<") :]
    assert re.findall(r'numeric">([^<]*)</td>', average[: average.index("</tr>")])[-1] == "+1"
