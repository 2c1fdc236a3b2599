"""Case pages and the acknowledgement give times and dates on the agency's clock.

The server's TIME_ZONE is Hong Kong (UTC+8); the agency here is in London (UTC+0 in March):
10:00 in London reads 18:00 on the server's clock, and 17:30 on 10 March reads 01:30 on 11 March.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from civicdesk.cases.models import Case
from civicdesk.cases.services import case_create
from civicdesk.cases.services.intake import case_acknowledge_to_citizen
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, StaffFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Monday 2 March 2026, 10:00 in London = 18:00 in Hong Kong.
LONDON_10 = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
# Due 10 March at 17:30 in London = 11 March, 01:30 in Hong Kong.
DUE = datetime(2026, 3, 10, 17, 30, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def london_agency(db):
    return AgencyFactory(code="LDN", name="London Borough", timezone="Europe/London")


@pytest.fixture
def case(london_agency):
    category = CategoryFactory(agency=london_agency, code="noise", name="Noise")
    with time_machine.travel(LONDON_10, tick=False):
        case = case_create(agency=london_agency, category=category, kind="complaint",
                           channel="web", description="Loud music every night",
                           contact_email="sam@example.org")  # fmt: skip
    Case.objects.filter(pk=case.pk).update(reply_due_at=DUE)
    case.refresh_from_db()
    return case


def _track(client, case):
    response = client.post("/cases/track/", {"reference": case.reference,
                                             "contact": "sam@example.org"})  # fmt: skip
    assert response.status_code == 302
    return client


def test_tracking_page_shows_received_and_reply_by_on_the_agencys_clock(client, case):
    page = _track(client, case).get(f"/cases/track/{case.reference}/").content.decode()
    assert "2 March 2026, 10:00" in page  # received, and the citizen's message
    assert "10 March 2026" in page
    assert "18:00" not in page and "11 March 2026" not in page


def test_confirmation_page_promises_the_agencys_date(client, case):
    page = _track(client, case).get(f"/cases/new/{case.reference}/").content.decode()
    assert "We will reply by 10 March 2026." in page


def test_acknowledgement_promises_the_agencys_date(case):
    OutboxMessage.objects.all().delete()
    case_acknowledge_to_citizen(case=case)
    message = OutboxMessage.objects.get()
    assert "We will reply by 10 March 2026." in message.body


def test_staff_case_page_shows_times_on_the_agencys_clock(client, case, london_agency):
    qsm = StaffFactory(agency=london_agency, role=Role.QSM)
    client.force_login(qsm.user)
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    assert "2 Mar 2026 10:00" in page  # received, and the citizen's message
    assert "10 Mar 2026 17:30" in page  # reply by
    assert "2 Mar 10:00" in page  # the history
    assert "18:00" not in page and "11 Mar 2026 01:30" not in page
