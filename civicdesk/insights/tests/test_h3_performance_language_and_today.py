"""The performance page in the reader's language and on the agency's calendar.

Agencies were offered by their English names on Chinese pages; and the default dates (the four
full weeks before this one) were worked out from the UTC date when there was no agency, so in
the first hours of a Hong Kong Monday the page still offered the weeks up to last Saturday.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.organisations.models import Agency
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
URL = reverse("insights:performance")
# Sunday 1 March 2026 at 20:00 UTC is Monday 2 March, 04:00 in Hong Kong.
LATE_SUNDAY_UTC = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _language_back_to_default():
    yield
    translation.deactivate()


def _page(client, user, query="", language="en"):
    client.force_login(user)
    if user.staff_profile.role == Role.SYSTEM_ADMIN:  # past two-factor, as after signing in
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    client.cookies["django_language"] = language
    return client.get(URL + query)


def test_a_system_admin_chooses_agencies_by_their_chinese_names(client, agency, other_agency):
    agency.names = {"zh-hant": "房屋署"}
    agency.save()
    other_agency.names = {"zh-hant": "運輸署"}
    other_agency.save()
    sysadmin = StaffFactory(agency=None, role=Role.SYSTEM_ADMIN).user
    response = _page(client, sysadmin, language="zh-hant")
    assert response.status_code == 200
    options = [label for _value, label in response.context["form"].fields["agency"].choices]
    assert options == ["房屋署", "運輸署"]
    assert "房屋署</option>" in response.content.decode()


@time_machine.travel(LATE_SUNDAY_UTC, tick=False)
def test_default_weeks_follow_the_agency_wall_calendar(client, agency):
    agency.timezone = "Asia/Hong_Kong"
    agency.save()
    qsm = StaffFactory(agency=agency, role=Role.QSM).user
    response = _page(client, qsm)
    # Monday 2 March in Hong Kong: the four weeks Monday 2 to Sunday 1 March.
    assert response.context["date_from"].isoformat() == "2026-02-02"
    assert response.context["date_to"].isoformat() == "2026-03-01"


@time_machine.travel(LATE_SUNDAY_UTC, tick=False)
def test_without_any_agency_today_is_the_deployment_zone_not_utc(client, settings):
    settings.TIME_ZONE = "Asia/Hong_Kong"
    Agency.objects.update(is_active=False)
    sysadmin = StaffFactory(agency=None, role=Role.SYSTEM_ADMIN).user
    response = _page(client, sysadmin)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form.initial["date_from"], form.initial["date_to"]) == ("2026-02-02", "2026-03-01")
