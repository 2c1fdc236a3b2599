"""The staff case page says how long the clock stood still in words of the reader's language."""

import pytest
from django.utils import translation

from civicdesk.cases.models import Case
from civicdesk.cases.services import case_create
from civicdesk.cases.templatetags.cases_tags import duration

pytestmark = pytest.mark.django_db


def test_duration_in_words():
    with translation.override("en"):
        assert duration(0) == "0\xa0minutes"
        assert duration(26 * 3600 + 600) == "26\xa0hours, 10\xa0minutes"
    with translation.override("zh-hant"):
        assert duration(26 * 3600) == "26\xa0小時"


def test_staff_case_page_says_how_long_the_case_was_paused(client, monday, agency, leak, qsm):
    case = case_create(agency=agency, category=leak, kind="complaint", channel="web",
                       description="Water through the ceiling")  # fmt: skip
    Case.objects.filter(pk=case.pk).update(paused_seconds=3 * 3600 + 1800)
    client.force_login(qsm.user)
    page = client.get(f"/cases/staff/{case.reference}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "3\xa0hours, 30\xa0minutes" in text
    assert " h</dd>" not in text
