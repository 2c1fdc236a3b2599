"""Ids that are digits to str.isdigit() but not to int() ("²", "١٢") answered 500 on the kiosk,
the join page, its QR code, the counter's actions and the live streams' last event id."""

import pytest
from django.urls import reverse

from civicdesk.live.streams import last_event_id_from
from civicdesk.queues.models import Ticket

pytestmark = pytest.mark.django_db

ODD = ["²", "١٢", "5²"]


@pytest.mark.parametrize("value", ODD)
def test_public_pages_ignore_odd_service_ids(client, clock, site, service, value):
    args = [site.agency.code, site.code]
    for name in ("queues:kiosk", "queues:join", "queues:join_qr"):
        response = client.get(reverse(name, args=args), {"service": value})
        assert response.status_code == 200, name
    response = client.post(reverse("queues:kiosk", args=args), {"service": value, "lane": "normal"})
    assert response.status_code == 200
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("value", ODD)
def test_counter_actions_refuse_odd_ids(client, clock, service, counter, officer, value):
    client.force_login(officer)
    url = reverse("queues:counter_act", args=[counter.id])
    assert client.post(url, {"action": "start", "ticket": value}).status_code == 404
    assert client.post(url, {"action": "transfer", "ticket": value}).status_code == 404


@pytest.mark.parametrize("value", ODD)
def test_odd_last_event_id_is_no_id(value):
    assert last_event_id_from(None, value) is None
    assert last_event_id_from(value, None) is None
