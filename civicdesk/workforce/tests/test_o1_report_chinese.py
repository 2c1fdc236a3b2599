"""The programme report in Chinese: a milestone still open is 進行中 (under way), not 開放 (open
to the public), and a label and its value are joined by the full-width colon."""

from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from civicdesk.workforce import services
from civicdesk.workforce.models import ProgrammeRoleKind
from civicdesk.workforce.tests.factories import team

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(client, agency, settings):
    site, lead, officer, _colleague = team(agency)
    programme = services.pilot_programme_create(actor=None, agency=agency, name="Pilot",
                                                starts_on=date(2026, 9, 1),
                                                ends_on=date(2027, 2, 28), sites=[site])  # fmt: skip
    services.programme_role_assign(actor=None, programme=programme, staff=lead,
                                   role=ProgrammeRoleKind.OWNER)  # fmt: skip
    services.milestone_create(actor=None, programme=programme, title="Train the pilot teams",
                              owner=officer, starts_on=date(2099, 1, 1),
                              due_on=date(2099, 2, 1))  # fmt: skip
    client.force_login(lead.user)

    def read(language: str) -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(f"/staff/workforce/programmes/{programme.pk}/report/")
        assert response.status_code == 200
        return response.content.decode()

    return read, lead


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_open_milestone_is_under_way_not_open_to_the_public(report, language):
    read, _lead = report
    html = read(language)
    state = html.split("Train the pilot teams", 1)[1].split("</tr>", 1)[0]
    assert "開放" not in state and "开放" not in state
    with translation.override(language):
        assert pgettext("milestone state", "Open") in state


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_labels_take_the_full_width_colon(report, language):
    read, lead = report
    html = read(language)
    assert f"：{lead.display_name}</li>" in html  # the owner's role, then her name
    body = html.split('data-testid="milestone-counts"', 1)[1].split("</ul>", 1)[0]
    assert ":" not in body and body.count("：") == 4
    assert ": " not in html.split("<title>", 1)[1].split("</title>", 1)[0]


def test_english_keeps_the_colon_and_space(report):
    read, lead = report
    html = read("en")
    assert f"Line manager (owner): {lead.display_name}</li>" in html
    assert "Done on time: 0</li>" in html
    state = html.split("Train the pilot teams", 1)[1].split("</tr>", 1)[0]
    assert ">Open</td>" in state
