"""QR codes are standalone SVG images; the kiosk shows its language buttons, and its "Done"
gets it ready for the next visitor (default language, normal text)."""

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from civicdesk.queues import services

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _svg_root(response):
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}path") is not None
    return root


def test_qr_codes_are_standalone_svg_documents(client, clock, service):
    root = _svg_root(client.get(f"/queues/HSG/HCC/qr.svg?service={service.id}"))
    assert "Harbour Central" in root.find(f"{SVG}title").text
    ticket = services.ticket_issue(service=service, channel="kiosk")
    _svg_root(client.get(f"/queues/kiosk/ticket/{ticket.token}/qr.svg"))


def test_kiosk_shows_a_button_per_language(client, clock, service):
    html = client.get("/queues/HSG/HCC/kiosk/").content.decode()
    buttons = html[html.index('class="queues-kiosk__languages"') :]
    buttons = buttons[: buttons.index("</ul>")]
    for code, _name in settings.LANGUAGES:
        assert f'href="/language/{code}/?next=/queues/HSG/HCC/kiosk/"' in buttons
    assert buttons.count('queues-kiosk__language"') == len(settings.LANGUAGES)
    assert buttons.count('aria-current="true"') == 1


def test_kiosk_in_the_chosen_language(client, clock, service):
    client.get("/language/ms/?next=/queues/HSG/HCC/kiosk/")
    html = client.get("/queues/HSG/HCC/kiosk/").content.decode()
    assert '<html lang="ms"' in html
    assert 'lang="ms" hreflang="ms" aria-current="true"' in html


def test_done_resets_the_kiosk_for_the_next_visitor(client, clock, service):
    client.get("/language/ms/?next=/queues/HSG/HCC/kiosk/")
    response = client.post(
        "/queues/HSG/HCC/kiosk/", {"service": service.id, "lane": "normal", "text": "large"}
    )
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="ms"' in page
    assert 'href="/queues/HSG/HCC/kiosk/?reset=1" data-kiosk-home' in page
    reset = client.get("/queues/HSG/HCC/kiosk/?reset=1")
    assert reset.status_code == 302 and reset["Location"] == "/queues/HSG/HCC/kiosk/"
    assert reset.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    html = client.get(reset["Location"]).content.decode()
    assert '<html lang="en"' in html
    assert "queues-kiosk--large" not in html
