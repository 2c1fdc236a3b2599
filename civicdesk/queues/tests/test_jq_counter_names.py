"""The counter screen and the staff site page name the site and services in the officer's
language (they showed the base names: an officer reading Chinese saw 'Passport renewal')."""

import pytest
from django.conf import settings
from django.urls import reverse

from civicdesk.queues import services
from civicdesk.queues.models import Channel

pytestmark = pytest.mark.django_db

PASSPORT = {"zh-hant": "護照續期"}
PAYMENTS = {"zh-hant": "繳費"}
CENTRE = {"zh-hant": "海港中區中心"}


@pytest.fixture
def named(site, service, other_service, counter):
    site.names, service.names, other_service.names = CENTRE, PASSPORT, PAYMENTS
    site.save()
    service.save()
    other_service.save()
    return site, service, other_service


def test_counter_screen_names_in_the_officers_language(client, clock, named, counter, officer):
    _site, service, _other = named
    for _ in range(2):
        services.ticket_issue(service=service, channel=Channel.KIOSK)
    called = services.ticket_call_next(actor=officer, counter=counter)
    services.ticket_start(actor=officer, ticket=called)
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    page = client.get(reverse("queues:counter", args=[counter.id])).content.decode()
    assert "Passport renewal" not in page
    assert "Harbour Central" not in page
    assert "護照續期" in page and "海港中區中心" in page
    assert "繳費" in page  # the transfer choices
    services.ticket_hold(actor=officer, ticket=called)
    page = client.get(reverse("queues:counter", args=[counter.id])).content.decode()
    assert "Passport renewal" not in page and "護照續期" in page


def test_staff_site_page_names_in_the_officers_language(client, clock, named, officer):
    site, service, _other = named
    services.ticket_issue(service=service, channel=Channel.KIOSK)
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    page = client.get(reverse("queues:staff_site", args=[site.id])).content.decode()
    assert "Passport renewal" not in page and "Harbour Central" not in page
    assert "護照續期" in page and "海港中區中心" in page
