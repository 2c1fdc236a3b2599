"""The pledge form offers each channel as an option a manager can pick (grouped by cases and
queue tickets); the groups were shown as one option each reading like a Python list."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.pledges.models import Pledge

pytestmark = pytest.mark.django_db


def test_channel_select_has_one_option_per_channel_in_groups(client, agency):
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    with translation.override("en"):
        html = client.get(reverse("pledges:staff_new")).content.decode()
    select = re.search(r'<select[^>]*name="channel".*?</select>', html, re.S).group(0)
    assert "[(" not in select
    assert re.findall(r'<optgroup label="([^"]+)"', select) == ["Cases", "Queue tickets"]
    values = re.findall(r'<option value="([^"]*)"', select)
    assert values[0] == "" and "web" in values and "kiosk" in values
    assert "Cases" not in values


def test_a_chosen_channel_is_saved_and_shown_selected(client, agency):
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    form = {"metric": "tickets_within", "threshold": "20", "target": "90", "period": "month",
            "channel": "kiosk"}  # fmt: skip
    response = client.post(reverse("pledges:staff_new"), form)
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.channel == "kiosk"
    html = client.get(reverse("pledges:staff_edit", args=[pledge.pk])).content.decode()
    assert '<option value="kiosk" selected>' in html


def test_services_say_their_site_and_names_follow_the_language(agency):
    from civicdesk.organisations.tests.factories import SiteFactory
    from civicdesk.pledges.forms import PledgeForm
    from civicdesk.queues.tests.factories import ServiceFactory

    for name, chinese in (("North", "北"), ("South", "南")):
        site = SiteFactory(agency=agency, name=name, names={"zh-hant": chinese})
        ServiceFactory(site=site, prefix="A", name="Rent", names={"zh-hant": "租金"})
    with translation.override("en"):
        labels = [label for _v, label in PledgeForm(agency=agency).fields["service"].choices]
    assert sorted(labels[1:]) == ["A Rent (North)", "A Rent (South)"]
    with translation.override("zh-hant"):
        form = PledgeForm(agency=agency)
        sites = [label for _v, label in form.fields["site"].choices]
        services = [label for _v, label in form.fields["service"].choices]
    assert sorted(sites[1:]) == ["北", "南"]
    assert sorted(services[1:]) == ["A 租金 (北)", "A 租金 (南)"]
