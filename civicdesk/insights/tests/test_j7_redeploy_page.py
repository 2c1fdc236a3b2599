"""Second walk of journey 7: the redeployment page names each move's day as the site pages do
("Mon 1 Jun"), and tells a manager who may not accept moves who does."""

import re

import pytest

from civicdesk.insights.tests.factories import WEEK
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _admin_client(client, agency):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    device = TOTPDevice.objects.create(user=admin.user, name="phone", confirmed=True)
    client.force_login(admin.user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post("/staff/two-factor/", {"token": code})
    return client


def _page(client, agency) -> str:
    response = client.get(f"/staff/insights/agencies/{agency.pk}/redeploy/?week={WEEK}")
    assert response.status_code == 200
    return response.content.decode()


def test_each_move_says_its_weekday_and_still_posts_the_date(client, agency, offices):
    html = _page(_admin_client(client, agency), agency)
    moves = html[html.index('id="moves"') :]
    cells = re.findall(r'<td class="govuk-table__cell">([^<]+?) (?:morning|afternoon)</td>', moves)
    assert cells and set(cells) == {"Mon 1 Jun"}
    assert f'name="day" value="{offices["day"]}"' in moves
    assert "the move on Mon 1 Jun morning" in moves


def test_the_roster_changed_message_says_the_weekday(client, agency, offices):
    admin = _admin_client(client, agency)
    html = _page(admin, agency)
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', html, re.S)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(2)))
    done = admin.post(form.group(1), fields, follow=True).content.decode()
    assert "Roster changed" in done
    assert "on Mon 1 Jun." in done


def test_a_manager_who_may_not_accept_is_told_who_does(client, agency, offices):
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    html = _page(client, agency)
    assert 'data-testid="who-accepts"' in html
    assert "by the team lead of the site that receives the staff, or by an agency admin" in html
    assert _admin_client(client, agency) and 'data-testid="who-accepts"' not in _page(
        client, agency
    )
