"""The staff case page's "Paused so far" is working time (the agency's opening hours): three
working days of pause are 27 hours in a nine-hour office, and the page must not call that
"1 day, 3 hours" (a reader takes a day for one working day, and the due date moved by three)."""

import pytest
from django.utils import translation

from civicdesk.cases.models import Case
from civicdesk.cases.services import case_create
from civicdesk.cases.templatetags.cases_tags import duration

pytestmark = pytest.mark.django_db


def test_working_time_is_said_in_hours_not_days():
    with translation.override("en"):
        assert duration(27 * 3600) == "27\xa0hours"
        assert duration(27 * 3600 + 1800) == "27\xa0hours, 30\xa0minutes"
        assert duration(59) == "0\xa0minutes"
        assert "day" not in duration(80 * 3600)


def test_staff_case_page_shows_a_three_day_pause_in_hours(client, monday, agency, leak, qsm):
    case = case_create(agency=agency, category=leak, kind="complaint", channel="web",
                       description="Water through the ceiling")  # fmt: skip
    Case.objects.filter(pk=case.pk).update(paused_seconds=27 * 3600)
    client.force_login(qsm.user)
    page = client.get(f"/cases/staff/{case.reference}/", HTTP_ACCEPT_LANGUAGE="en")
    paused = page.content.decode().split("Paused so far")[1].split("</dd>")[0]
    assert paused.endswith("27\xa0hours")
