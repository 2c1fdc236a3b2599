"""Survey results by channel, and narrowed to one, name the channel as people call it."""

import pytest
from django.urls import reverse

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import TEST_PASSWORD, StaffFactory
from civicdesk.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def test_channels_read_as_words(client, agency):
    for channel, csat in (("kiosk", 5), ("kiosk", 4), ("open311", 2)):
        ResponseFactory(agency=agency, channel=channel, csat=csat)
    profile = StaffFactory(agency=agency, role=Role.QSM)
    client.login(username=profile.user.username, password=TEST_PASSWORD)
    url = reverse("surveys:results")
    html = client.get(url, {"group_by": "channel"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = html.split("<table")[1]
    assert ">Kiosk<" in table and ">Issued by staff<" not in table
    assert ">kiosk<" not in table and ">open311<" not in table
    narrowed = client.get(url, {"channel": "kiosk"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    filters = narrowed.split('data-testid="active-filters"')[1].split("</")[0:3]
    assert "Kiosk" in "".join(filters)
