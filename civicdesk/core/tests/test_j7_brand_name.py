"""Second walk of journeys 7-9: a staff page read in Chinese names the agency in Chinese in
its title and header, not in English (the agency's own name in the reader's language)."""

import pytest
from django.conf import settings

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_staff_pages_name_the_agency_in_the_readers_language(client, agency):
    agency.names = {"zh-hant": "房屋署"}
    agency.save(update_fields=["names"])
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    html = client.get("/staff/").content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert title.endswith("– 房屋署")
    assert 'govuk-generic-header__homepage-link">房屋署</a>' in html
    assert f">{agency.name}</a>" not in html


def test_english_readers_still_read_the_agencys_own_name(client, agency):
    agency.names = {"zh-hant": "房屋署"}
    agency.save(update_fields=["names"])
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    html = client.get("/staff/").content.decode()
    assert f"– {agency.name}</title>" in html
