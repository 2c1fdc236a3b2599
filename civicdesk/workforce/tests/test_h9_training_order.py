"""Training programmes were listed by their English title on Chinese and Malay pages, so the
list looked unsorted to the reader: the training page and the schedule form's choice are sorted
by the title the reader sees (in Chinese by code point)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.workforce import services

pytestmark = pytest.mark.django_db

# English A, B, C; in Chinese (by code point) and Malay the other way round. "Data" has no
# Malay title: the English one is shown and sorted among the Malay ones.
PROGRAMMES = [
    ("appeals", "Appeals", {"zh-hant": "丙 上訴", "ms": "Rayuan"}),
    ("basics", "Basics", {"zh-hant": "乙 基礎", "ms": "Asas"}),
    ("conflict", "Conflict resolution", {"zh-hant": "甲 化解衝突", "ms": "Menyelesaikan konflik"}),
    ("data", "Data protection", {"zh-hant": "丁 資料保護"}),
]
ORDER = {
    "zh-hant": ["丁 資料保護", "丙 上訴", "乙 基礎", "甲 化解衝突"],
    "ms": ["Asas", "Data protection", "Menyelesaikan konflik", "Rayuan"],
    "en": ["Appeals", "Basics", "Conflict resolution", "Data protection"],
}


@pytest.fixture
def trainer_client(client, agency):
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    for code, title, titles in PROGRAMMES:
        services.training_programme_create(
            actor=trainer.user, agency=agency, code=code, title=title, titles=titles
        )
    client.force_login(trainer.user)
    return client


def _get(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url).content.decode()


@pytest.mark.parametrize("language", list(ORDER))
def test_training_page_lists_programmes_by_the_title_the_reader_sees(trainer_client, language):
    html = _get(trainer_client, reverse("workforce:training"), language)
    titles = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt>', html)
    assert titles == ORDER[language]


@pytest.mark.parametrize("language", list(ORDER))
def test_schedule_form_offers_programmes_by_the_title_the_reader_sees(trainer_client, language):
    html = _get(trainer_client, reverse("workforce:session_new"), language)
    select = re.search(r'<select[^>]*name="training".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="\d+"[^>]*>(.*?)</option>', select)
    assert options == ORDER[language]
