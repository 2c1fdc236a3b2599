"""Citizen and staff pages through Django's test client: forms, errors, permissions."""

import pytest
import segno

from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues import services
from civicdesk.queues.models import Ticket, TicketStatus
from civicdesk.queues.tests.factories import CounterFactory

pytestmark = pytest.mark.django_db


def test_join_page_shows_waits_and_joins(client, clock, service, counter):
    page = client.get(f"/queues/HSG/HCC/?service={service.id}")
    assert page.status_code == 200
    assert b"Passport renewal" in page.content
    response = client.post(
        "/queues/HSG/HCC/",
        {"service": service.id, "lane": "pregnant", "phone": "+852 9123 4567", "notify_ahead": "3"},
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/queues/ticket/{ticket.token}/"
    assert (ticket.channel, ticket.lane, ticket.notify_ahead) == ("remote", "pregnant", 3)
    page = client.get(response["Location"])
    assert b"A001" in page.content


def test_join_form_errors_are_shown(client, clock, service):
    response = client.post("/queues/HSG/HCC/", {"lane": "normal", "notify_ahead": "3"})
    assert response.status_code == 200
    assert b"Choose the service you need." in response.content
    assert b"Give a mobile number or an email address" in response.content
    assert Ticket.objects.count() == 0


def test_join_when_closed_says_so(client, clock, service):
    clock.move_to("2026-03-03 19:00+08:00")
    page = client.get("/queues/HSG/HCC/")
    assert b"closed now" in page.content
    response = client.post("/queues/HSG/HCC/", {"service": service.id, "lane": "normal"})
    assert b"is closed now" in response.content
    assert Ticket.objects.count() == 0


def test_unknown_site_is_404(client):
    assert client.get("/queues/NOPE/NOPE/").status_code == 404
    assert client.get("/queues/ticket/nope/").status_code == 404


def test_qr_code_is_svg(client, service):
    response = client.get(f"/queues/HSG/HCC/qr.svg?service={service.id}")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_kiosk_two_steps_to_a_priority_ticket(client, clock, service):
    assert b"Passport renewal" in client.get("/queues/HSG/HCC/kiosk/?text=large").content
    step = client.get(f"/queues/HSG/HCC/kiosk/?service={service.id}&text=large")
    assert b"Aged 65 or over" in step.content and b"queues-kiosk--large" in step.content
    response = client.post(
        "/queues/HSG/HCC/kiosk/", {"service": service.id, "lane": "elderly", "text": "large"}
    )
    ticket = Ticket.objects.get()
    assert ticket.channel == "kiosk" and ticket.lane == "elderly"
    page = client.get(response["Location"])
    assert b"A001" in page.content and b"queues-kiosk--large" in page.content


def test_citizen_leaves_the_queue(client, clock, service):
    ticket = services.ticket_issue(service=service, channel="remote")
    client.post(f"/queues/ticket/{ticket.token}/", {"action": "cancel", "confirm": "yes"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED


def test_counter_screen_serves_a_visitor(client, clock, service, counter, officer):
    ticket = services.ticket_issue(service=service, channel="kiosk")
    client.force_login(officer)
    assert client.get("/queues/staff/").status_code == 200
    page = client.get(f"/queues/staff/counters/{counter.id}/")
    assert b'data-shortcut="n"' in page.content
    url = f"/queues/staff/counters/{counter.id}/act/"
    client.post(url, {"action": "call_next"})
    client.post(url, {"action": "start", "ticket": ticket.id})
    client.post(url, {"action": "finish", "ticket": ticket.id, "note": "Form checked"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE and ticket.outcome_note == "Form checked"
    page = client.get(f"/queues/staff/counters/{counter.id}/")
    assert b"Form checked" in page.content


def test_counter_errors_are_messages_not_500(client, clock, service, counter, officer):
    client.force_login(officer)
    url = f"/queues/staff/counters/{counter.id}/act/"
    response = client.post(url, {"action": "start", "ticket": "999"}, follow=True)
    assert response.status_code == 404
    ticket = services.ticket_issue(service=service, channel="kiosk")
    response = client.post(url, {"action": "finish", "ticket": ticket.id}, follow=True)
    assert b"cannot go from waiting to done" in response.content


def test_officer_of_another_site_sees_no_counter(client, clock, service, counter):
    elsewhere = SiteFactory(agency=service.site.agency)
    client.force_login(StaffFactory(agency=elsewhere.agency, sites=[elsewhere]).user)
    assert client.get(f"/queues/staff/counters/{counter.id}/").status_code == 404
    assert (
        client.post(
            f"/queues/staff/counters/{counter.id}/act/", {"action": "call_next"}
        ).status_code
        == 404
    )
    other_counter = CounterFactory(site=elsewhere)
    assert client.get(f"/queues/staff/counters/{other_counter.id}/").status_code == 200


def test_staff_issue_at_the_door(client, clock, service, officer):
    client.force_login(officer)
    response = client.post(
        f"/queues/staff/sites/{service.site.id}/issue/",
        {"service": service.id, "lane": "disabled"},
        follow=True,
    )
    assert b"Ticket A001 issued" in response.content
    assert Ticket.objects.get().channel == "staff"


def test_index_lists_offices_with_queues(client, service):
    page = client.get("/queues/")
    assert page.status_code == 200 and b"/queues/HSG/HCC/" in page.content


def test_counter_queue_partial_polls_the_waiting_list(client, clock, service, counter, officer):
    services.ticket_issue(service=service, channel="kiosk", lane="elderly")
    client.force_login(officer)
    response = client.get(f"/queues/staff/counters/{counter.id}/queue/")
    assert response.status_code == 200
    assert b'id="counter-queue"' in response.content and b"A001" in response.content
    assert b"<html" not in response.content


def test_ticket_of_another_site_is_refused_on_the_counter_screen(client, clock, counter, officer):
    elsewhere = SiteFactory(agency=counter.site.agency)
    from civicdesk.queues.tests.factories import ServiceFactory

    foreign = services.ticket_issue(service=ServiceFactory(site=elsewhere), channel="kiosk")
    client.force_login(officer)
    response = client.post(
        f"/queues/staff/counters/{counter.id}/act/",
        {"action": "start", "ticket": foreign.id},
        follow=True,
    )
    assert b"Your role does not allow this." in response.content
    foreign.refresh_from_db()
    assert foreign.status == TicketStatus.WAITING


def test_counter_screen_queries_do_not_grow_with_the_queue(
    client, clock, service, counter, officer, django_assert_max_num_queries
):
    client.force_login(officer)
    for _ in range(3):
        services.ticket_issue(service=service, channel="kiosk")
    with django_assert_max_num_queries(30) as small:
        client.get(f"/queues/staff/counters/{counter.id}/")
    for _ in range(30):
        services.ticket_issue(service=service, channel="kiosk", lane="elderly")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(f"/queues/staff/counters/{counter.id}/")


def test_join_qr_code_encodes_the_join_page(client, service, settings):
    settings.CIVICDESK_PUBLIC_URL = "https://queue.example.gov"
    svg = client.get(f"/queues/HSG/HCC/qr.svg?service={service.id}").content.decode()
    expected = segno.make(
        f"https://queue.example.gov/queues/HSG/HCC/?service={service.id}", error="m"
    )
    assert expected.svg_inline(scale=8, title="x").split("<path")[1][:200] in svg


def test_staff_site_page_shows_queues_in_call_order_with_qr_codes(client, clock, service, officer):
    services.ticket_issue(service=service, channel="kiosk")
    services.ticket_issue(service=service, channel="kiosk", lane="elderly")
    client.force_login(officer)
    page = client.get(f"/queues/staff/sites/{service.site.id}/").content.decode()
    assert page.index("A002") < page.index("A001")  # priority first
    assert f"qr.svg?service={service.id}" in page
    assert "Set up services and counters" not in page  # frontline officers do not set up


def test_staff_remove_a_waiting_ticket(client, clock, service, officer):
    ticket = services.ticket_issue(service=service, channel="kiosk")
    client.force_login(officer)
    response = client.post(
        f"/queues/staff/sites/{service.site.id}/remove/", {"ticket": ticket.id}, follow=True
    )
    assert b"A001 removed from the queue." in response.content
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED
    again = client.post(
        f"/queues/staff/sites/{service.site.id}/remove/", {"ticket": ticket.id}, follow=True
    )
    assert b"no longer in the queue" in again.content


def test_join_page_radios_have_ids_their_labels_point_to(client, clock, service, site):
    import re

    html = client.get(f"/queues/{site.agency.code}/{site.code}/").content.decode()
    ids = set(re.findall(r'<input class="govuk-radios__input" id="([^"]+)"', html))
    labels = set(re.findall(r'<label class="govuk-label govuk-radios__label" for="([^"]+)"', html))
    assert ids and "" not in ids and ids == labels


def test_join_qr_code_names_the_site_in_the_readers_language(client, service):
    site = service.site
    site.names = {"zh-hant": "九龍中心"}
    site.save(update_fields=["names"])
    response = client.get("/queues/HSG/HCC/qr.svg", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "九龍中心" in response.content.decode()
    assert "Accept-Language" in response["Vary"] and "public" in response["Cache-Control"]
    english = client.get("/queues/HSG/HCC/qr.svg", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<title>Scan to join the queue at {site.name}</title>" in english
