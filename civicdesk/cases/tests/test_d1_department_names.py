"""An officer reading the staff pages in Chinese or Malay sees the case's department in that
language in the dashboard's case tables (`_table.html`: about to breach, breached, bounced,
duplicates) and on the case page (it was always the English name); a department with no name
in the reader's language shows its English one."""

import pytest

from civicdesk.cases.models import Case
from civicdesk.cases.services import case_create
from civicdesk.core.clock import now

pytestmark = pytest.mark.django_db

TEAM_NAMES = {"zh-hant": "屋邨維修組", "zh-hans": "屋邨维修组", "ms": "Penyelenggaraan Estet"}


def _case(leak):
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Water from the ceiling", contact_email="a@example.org")  # fmt: skip
    Case.objects.filter(pk=case.pk).update(breached_at=now())  # listed among the breached
    return case


def _pages(client, settings, user, language, reference):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    dashboard = client.get("/cases/staff/dashboard/").content.decode()
    case = client.get(f"/cases/staff/{reference}/").content.decode()
    return dashboard, case


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "ms"])
def test_dashboard_and_case_page_name_the_department_in_the_officers_language(
    client, settings, monday, leak, maintenance, qsm, language
):
    maintenance.names = TEAM_NAMES
    maintenance.save()
    case = _case(leak)
    dashboard, page = _pages(client, settings, qsm.user, language, case.reference)
    assert case.reference in dashboard  # in the breached table
    assert f'<td class="govuk-table__cell">{TEAM_NAMES[language]}</td>' in dashboard
    assert f'<dd class="govuk-summary-list__value">{TEAM_NAMES[language]}</dd>' in page
    assert "Estate Maintenance" not in dashboard
    assert "Estate Maintenance" not in page


def test_simplified_chinese_reader_gets_the_traditional_name_before_the_english(
    client, settings, monday, leak, maintenance, qsm
):
    maintenance.names = {"zh-hant": "屋邨維修組"}
    maintenance.save()
    case = _case(leak)
    dashboard, page = _pages(client, settings, qsm.user, "zh-hans", case.reference)
    assert '<td class="govuk-table__cell">屋邨維修組</td>' in dashboard
    assert '<dd class="govuk-summary-list__value">屋邨維修組</dd>' in page


def test_a_department_without_names_is_shown_in_english(
    client, settings, monday, leak, maintenance, qsm
):
    maintenance.names = {"ms": "Penyelenggaraan Estet"}
    maintenance.save()
    case = _case(leak)
    dashboard, page = _pages(client, settings, qsm.user, "zh-hant", case.reference)
    assert '<td class="govuk-table__cell">Estate Maintenance</td>' in dashboard
    assert '<dd class="govuk-summary-list__value">Estate Maintenance</dd>' in page


def test_english_reader_keeps_the_english_name(client, settings, monday, leak, maintenance, qsm):
    maintenance.names = TEAM_NAMES
    maintenance.save()
    case = _case(leak)
    dashboard, page = _pages(client, settings, qsm.user, "en", case.reference)
    assert '<td class="govuk-table__cell">Estate Maintenance</td>' in dashboard
    assert '<dd class="govuk-summary-list__value">Estate Maintenance</dd>' in page
    assert "屋邨維修組" not in dashboard + page
