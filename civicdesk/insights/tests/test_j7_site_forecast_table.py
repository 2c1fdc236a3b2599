"""Journey 7, the manager's week, second walk: the site page's forecast and targets tables name
each service in the reader's language, and each day's total is the sum of the figures shown."""

import re

import pytest
from django.conf import settings

from civicdesk.insights.models import StaffingRun
from civicdesk.insights.tests.factories import WEEK, rent_office
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(agency):
    return rent_office(agency, "North Office")


@pytest.fixture
def qsm_client(client, agency):
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    return client


def _table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def test_forecast_and_targets_tables_name_the_service_in_the_readers_language(qsm_client, office):
    service = office.services.get()
    service.names = {"zh-hant": "租金"}
    service.save(update_fields=["names"])
    qsm_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    response = qsm_client.get(f"/staff/insights/sites/{office.pk}/?week={WEEK}")
    html = response.content.decode()
    for table in ("forecast-table", "targets"):
        assert "A 租金" in _table(html, table)
        assert "A Rent" not in _table(html, table)


def test_each_days_total_is_the_sum_of_the_services_shown(qsm_client, office):
    from civicdesk.queues.tests.factories import ServiceFactory

    second = ServiceFactory(site=office, prefix="B", name="Repairs")
    run = StaffingRun.objects.get(site=office, week=WEEK)
    result = run.result
    first_service = result["services"][0]
    day = result["days"][0]
    rows = [r for r in result["rows"] if r["service"] == first_service["id"]]
    for r in rows:
        r["forecast"] = 0.0
    # 1.4 visitors forecast for each service that day: each shows as 1, so the day as 2, not 3.
    first_of_day = next(r for r in rows if r["day"] == day)
    first_of_day["forecast"] = 1.4
    twin = {**first_of_day, "service": second.pk}
    result["rows"] = [*rows, twin]
    result["services"] = [first_service, {**first_service, "id": second.pk, "name": "B Repairs"}]
    run.result = result
    run.save(update_fields=["result"])

    html = qsm_client.get(f"/staff/insights/sites/{office.pk}/?week={WEEK}").content.decode()
    table = _table(html, "forecast-table")
    row = table[table.index(f'datetime="{day}"') :]
    row = row[: row.index("</tr>")]
    cells = [int(c) for c in re.findall(r'numeric">(\d+)</td>', row)]
    assert cells == [1, 1, 2]
