"""A QSM reading the staff pages in Chinese sees the agencies' and categories' Chinese names
(both are kept in Chinese), not the English ones: on the case page, in its assign, transfer and
part forms, and in the queue's category column and filter."""

import pytest

from civicdesk.cases.services import case_create
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.organisations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh_client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    return client


def _case(leak):
    leak.agency.names = {"zh-hant": "房屋委員會"}
    leak.agency.save()
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Water from the ceiling", contact_email="a@example.org")  # fmt: skip


def test_case_page_names_agencies_and_categories_in_chinese(zh_client, monday, leak, qsm):
    env = AgencyFactory(code="ENV", name="Environment Agency", names={"zh-hant": "環境局"})
    CategoryFactory(agency=env, code="tree", name="Fallen tree", name_zh="塌樹")
    case = _case(leak)
    zh_client.force_login(qsm.user)
    page = zh_client.get(f"/cases/staff/{case.reference}/").content.decode()
    assert "房屋委員會 ·" in page  # the caption above the subject
    assert ">漏水</dd>" in page  # the category in the summary
    assert ">漏水</option>" in page  # the assign form's categories
    assert ">環境局</option>" in page  # transfer and part forms' agencies
    assert ">環境局: 塌樹</option>" in page  # the transfer form's categories
    for english in ("Environment Agency", "Fallen tree", "Water leak"):
        assert english not in page


def test_queue_names_categories_in_chinese(zh_client, monday, leak, qsm):
    case = _case(leak)
    zh_client.force_login(qsm.user)
    page = zh_client.get("/cases/staff/").content.decode()
    assert case.reference in page
    assert '<td class="govuk-table__cell">漏水</td>' in page
    assert '<option value="leak">漏水</option>' in page
    assert "Water leak" not in page


def test_case_page_selects_say_what_an_empty_choice_means(client, monday, leak, qsm):
    AgencyFactory(code="ENV", name="Environment Agency")
    case = _case(leak)
    client.force_login(qsm.user)
    page = client.get(f"/cases/staff/{case.reference}/", HTTP_ACCEPT_LANGUAGE="en")
    page = page.content.decode()
    assert "---------" not in page
    assert '<option value="" selected>Let them choose</option>' in page
    assert page.count('<option value="" selected>Choose an agency</option>') == 2
