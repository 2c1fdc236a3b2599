"""A competency profile's title with its version: str() in English, display_label in the
reader's language, from one format; the person-assessment API gives both."""

import pytest
from django.utils import translation

from civicdesk.workforce import services
from civicdesk.workforce.tests.factories import ratings_for, team
from civicdesk.workforce.tests.test_h1_local_names import _chinese_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese_profile(agency):
    return _chinese_profile(agency)  # titled 前線服務能力 in Traditional Chinese only


def test_the_label_is_the_title_in_the_readers_language_and_the_version(chinese_profile):
    version = chinese_profile.version
    with translation.override("zh-hant"):
        assert chinese_profile.display_label == f"前線服務能力 v{version}"
        assert str(chinese_profile) == f"Frontline competencies v{version}"
    with translation.override("ms"):  # no Malay title: the English one
        assert chinese_profile.display_label == f"Frontline competencies v{version}"


def test_the_assessment_api_gives_the_label_in_the_request_language_and_english(
    client, agency, chinese_profile
):
    _site, _lead, officer, _colleague = team(agency)
    services.assessment_submit(
        actor=officer.user, subject=officer, ratings=ratings_for(chinese_profile, 3)
    )
    client.force_login(officer.user)
    data = client.get(
        f"/api/v1/workforce/people/{officer.pk}/assessment", HTTP_ACCEPT_LANGUAGE="zh-hant"
    ).json()
    version = chinese_profile.version
    assert data["profile"] == f"前線服務能力 v{version}"
    assert data["profile_en"] == f"Frontline competencies v{version}"
