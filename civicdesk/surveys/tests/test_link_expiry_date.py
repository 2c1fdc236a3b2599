"""The invitation says the last day its link works on the calendar of the place visited."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import translation
from django.utils.formats import date_format

from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.tests.factories import AgencyFactory, SiteFactory
from civicdesk.surveys import services

pytestmark = pytest.mark.django_db


def test_the_links_last_day_is_the_sites_not_utcs():
    agency = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    site = SiteFactory(agency=agency)  # Hong Kong, UTC+8
    # 20:00 UTC on 3 March is already 04:00 on 4 March in Hong Kong.
    with time_machine.travel(datetime(2026, 3, 3, 20, 0, tzinfo=UTC), tick=False):
        invitation = services.survey_invite(agency=agency, site=site,
                                             contact_email="mrs.chan@example.org")  # fmt: skip
    assert invitation is not None
    body = OutboxMessage.objects.get().body
    days = (invitation.expires_at - datetime(2026, 3, 3, 20, 0, tzinfo=UTC)).days
    with translation.override("en"):
        local = date_format(datetime(2026, 3, 4 + days), "DATE_FORMAT")
        utc = date_format(datetime(2026, 3, 3 + days), "DATE_FORMAT")
    assert f"until {local}." in body and utc not in body
