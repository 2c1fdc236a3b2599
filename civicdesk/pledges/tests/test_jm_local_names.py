"""The transparency page and the committee report name agencies, sites, services and case
categories in the reader's language, as the rest of civicdesk does (they were in English)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.report import _worst_categories
from civicdesk.pledges.tests.factories import make_case, make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back_to_default():
    """Pages asked for in Chinese or Malay leave that language active in the thread."""
    yield
    translation.deactivate()


HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 10, 20, 12, tzinfo=HK)


@pytest.fixture
def published(agency):
    agency.names = {"zh-hant": "房屋署", "ms": "Jabatan Perumahan"}
    agency.save()
    with time_machine.travel(NOW, tick=False):
        site = SiteFactory(agency=agency, name="North", names={"zh-hant": "北區辦事處"})
        service = ServiceFactory(site=site, prefix="A", names={"zh-hant": "租務"})
        south = ServiceFactory(site=SiteFactory(agency=agency, name="South"), prefix="B")
        for wait in (5, 10, 30):
            for counted in (service, south):
                make_ticket(service=counted, joined=datetime(2026, 9, 7, 10, tzinfo=HK),
                            wait_minutes=wait)  # fmt: skip
        pledge = make_pledge(agency=agency, metric="wait_p90", target=20)
        recompute_pledge(pledge)
        recompute_pledge(make_pledge(agency=agency, metric="wait_p90", target=25, service=service))
        yield pledge


def test_public_agency_page_names_the_agency_and_its_sites_in_chinese(client, published):
    client.cookies["django_language"] = "zh-hant"
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("pledges:agency", args=["HSG"])).content.decode()
    assert "房屋署" in html
    assert "北區辦事處" in html
    assert "租務" in html  # the pledge's own sentence names its service


def test_city_page_names_agencies_in_malay(client, published):
    client.cookies["django_language"] = "ms"
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("pledges:city")).content.decode()
    assert "Jabatan Perumahan" in html


def test_report_names_the_late_category_in_malay(agency):
    with time_machine.travel(datetime(2026, 11, 3, 12, tzinfo=HK), tick=False):
        lifts = CategoryFactory(agency=agency, name="Lifts", names={"ms": "Lif"})
        make_case(agency=agency, category=lifts, received=datetime(2026, 10, 6, 9, tzinfo=HK),
                  reply_due_at=datetime(2026, 10, 20, 17, tzinfo=HK))  # fmt: skip
        with translation.override("ms"):
            found = _worst_categories(agency, date(2026, 10, 1), date(2026, 10, 31))
    assert [c["name"] for c in found["worst_categories"]] == ["Lif"]
