"""The performance page names teams (departments) in the manager's language: in the team
filter and the by-team table and its CSV, as it names sites and services (they were always in
English); a team with no name in that language keeps its English one."""

import pytest
from django.urls import reverse
from django.utils import translation

from civicdesk.insights.tests.test_performance_scenario import build

pytestmark = pytest.mark.django_db

DAY = "?period=custom&date_from=2026-03-03&date_to=2026-03-03"


@pytest.fixture(autouse=True)
def _language_back_to_default():
    """Pages asked for in Chinese leave that language active in the thread."""
    yield
    translation.deactivate()


@pytest.fixture
def scenario(agency):
    scenario = build(agency)
    scenario.team_one.names = {"zh-hant": "第一組", "ms": "Pasukan Satu"}
    scenario.team_one.save()
    return scenario


def _get(client, scenario, language, query=""):
    client.force_login(scenario.qsm.user)
    client.cookies["django_language"] = language
    return client.get(reverse("insights:performance") + DAY + query)


def test_team_filter_and_table_in_chinese_with_english_fallback(client, scenario):
    page = _get(client, scenario, "zh-hant")
    html = page.content.decode()
    assert f'<option value="{scenario.team_one.pk}">第一組</option>' in html
    assert f'<option value="{scenario.team_two.pk}">Team Two</option>' in html
    labels = {row.key: row.label for row in page.context["report"].teams}
    assert labels[scenario.team_one.pk] == "第一組"
    assert labels[scenario.team_two.pk] == "Team Two"  # no Chinese name
    assert "Team One" not in html


def test_team_csv_names_teams_in_the_readers_language(client, scenario):
    csv = _get(client, scenario, "ms", "&download=teams").content.decode()
    assert "Pasukan Satu" in csv and "Team Two" in csv and "Team One" not in csv
