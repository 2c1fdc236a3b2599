from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

HK = ZoneInfo("Asia/Hong_Kong")
# A Tuesday with no public holiday in Hong Kong, mid-morning: the test sites are open.
OPEN_MORNING = datetime(2026, 3, 3, 10, 0, tzinfo=HK)


@pytest.fixture
def clock():
    with time_machine.travel(OPEN_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def site(agency):
    return SiteFactory(agency=agency, code="HCC", name="Harbour Central")


@pytest.fixture
def service(site):
    return ServiceFactory(site=site, name="Passport renewal", prefix="A")


@pytest.fixture
def other_service(site):
    return ServiceFactory(site=site, name="Payments", prefix="B")


@pytest.fixture
def counter(site, service):
    return CounterFactory(site=site, name="1", services=[service])


@pytest.fixture
def officer(site):
    return StaffFactory(agency=site.agency, role=Role.FRONTLINE, sites=[site]).user
