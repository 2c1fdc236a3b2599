"""Kiosk pages have their own layout: a visitor at the shared screen cannot leave the kiosk for
the public site (no "Home", no "Staff sign in", no second language bar, no footer). The only
links go back to this kiosk's start, switch the kiosk's language, or stay in the kiosk; the skip
link and the landmarks stay. /kiosk/ lets whoever sets up a kiosk choose its office."""

import re
from datetime import datetime

import pytest
from django.conf import settings
from django.urls import resolve

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues.models import Ticket
from civicdesk.queues.tests.conftest import HK
from civicdesk.queues.tests.factories import ServiceFactory
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db
KIOSK = "/queues/HSG/HCC/kiosk/"
HREF = re.compile(r'<a\b[^>]*\bhref="([^"]*)"')


def _kiosk_links(html: str) -> list[str]:
    return HREF.findall(html)


def assert_kiosk_layout(html: str) -> None:
    for outside in ("govuk-service-navigation", "govuk-language-navigation", "govuk-footer",
                    "Staff sign in", 'href="/"', "/staff/"):  # fmt: skip
        assert outside not in html, outside
    assert 'class="govuk-skip-link"' in html and 'href="#main-content"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert "<header" in html
    assert html.count('class="queues-kiosk__languages"') <= 1  # only the kiosk's own buttons
    for href in _kiosk_links(html):
        href = href.replace("&amp;", "&")
        assert href.startswith((KIOSK, "/queues/kiosk/ticket/", "?", "#")) or re.fullmatch(
            r"/language/[\w-]+/\?next=/queues/(HSG/HCC/kiosk/|kiosk/ticket/)\S*", href
        ), href
    start = re.search(r'<a href="([^"]*)"[^>]*data-testid="kiosk-start"', html)
    assert start and start.group(1).startswith(KIOSK), "a way back to the kiosk's start"


def test_the_kiosk_start_and_priority_step_have_only_kiosk_links(client, clock, service):
    start = client.get(KIOSK).content.decode()
    assert_kiosk_layout(start)
    assert start.count('queues-kiosk__language"') == len(settings.LANGUAGES)
    assert_kiosk_layout(client.get(f"{KIOSK}?service={service.id}").content.decode())
    large = client.get(f"{KIOSK}?text=large").content.decode()
    assert_kiosk_layout(large)
    assert f'<a href="{KIOSK}?text=large" class="govuk-generic-header__homepage-link"' in large


def test_the_kiosk_ticket_page_has_only_kiosk_links(client, clock, service):
    response = client.post(KIOSK, {"service": service.id, "lane": "normal"}, follow=True)
    html = response.content.decode()
    assert 'data-testid="kiosk-ticket"' in html
    assert_kiosk_layout(html)
    assert 'class="queues-kiosk__languages"' not in html  # not on the printed ticket


def test_the_check_in_pages_have_only_kiosk_links(client, clock, service):
    assert_kiosk_layout(client.get(f"{KIOSK}check-in/").content.decode())
    wrong = client.post(f"{KIOSK}check-in/", {"reference": "NOPE"}).content.decode()
    assert "govuk-error-summary" in wrong
    assert_kiosk_layout(wrong)
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    appointment = book(slot_at(service, 11))
    clock.move_to(datetime(2026, 3, 3, 10, 50, tzinfo=HK))
    checked_in = client.post(f"{KIOSK}check-in/", {"reference": appointment.reference}, follow=True)
    assert "/queues/kiosk/ticket/" in checked_in.redirect_chain[-1][0]
    assert_kiosk_layout(checked_in.content.decode())


def test_the_public_pages_keep_their_navigation(client, clock, service):
    html = client.get("/queues/HSG/HCC/").content.decode()
    assert "govuk-service-navigation" in html and "Staff sign in" in html


def test_kiosk_set_up_page_lists_offices_with_queues(client, clock, service, agency):
    assert resolve("/kiosk/").url_name == "kiosk_sites"
    SiteFactory(agency=agency, code="EMP", name="Empty office")  # no service: no queue
    closed = SiteFactory(agency=agency, code="OLD", name="Old office", is_active=False)
    ServiceFactory(site=closed, prefix="Z")
    other = SiteFactory(code="TWN", name="Town hall")
    ServiceFactory(site=other, prefix="C")
    ServiceFactory(site=service.site, prefix="D")  # two services, listed once
    response = client.get("/kiosk/")
    assert response.status_code == 200
    links = [h for h in _kiosk_links(response.content.decode()) if h.startswith("/queues/")]
    assert sorted(links) == sorted([KIOSK, f"/queues/{other.agency.code}/TWN/kiosk/"])
    for link in links:
        assert client.get(link).status_code == 200


def test_the_readme_names_the_kiosk_pages_that_exist(client, clock, service):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    assert "`/kiosk/`" in readme and "/queues/<AGENCY>/<SITE>/kiosk/" in readme
    assert client.get("/kiosk/").status_code == 200
    assert client.get(KIOSK).status_code == 200
    assert Ticket.objects.count() == 0
