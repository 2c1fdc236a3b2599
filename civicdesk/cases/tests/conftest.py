from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import DepartmentFactory, StaffFactory

HK = ZoneInfo("Asia/Hong_Kong")
# Monday 2 March 2026, 10:00 in Hong Kong: a plain working day.
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=HK)


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def maintenance(agency):
    return DepartmentFactory(agency=agency, code="MAINT", name="Estate Maintenance")


@pytest.fixture
def leak(agency, maintenance):
    return CategoryFactory(
        agency=agency, code="leak", name="Water leak", name_zh="漏水", department=maintenance
    )


@pytest.fixture
def officer(agency, maintenance):
    return StaffFactory(agency=agency, role=Role.FRONTLINE, departments=[maintenance])


@pytest.fixture
def qsm(agency):
    return StaffFactory(agency=agency, role=Role.QSM)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded attachments go to a throwaway folder, not the working copy's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
