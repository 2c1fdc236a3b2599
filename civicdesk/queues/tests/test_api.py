"""The queues JSON API: join, read, cancel as a citizen; call and serve as staff."""

import json

import pytest

from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_site_lists_services_with_waits(client, clock, service, counter):
    response = client.get("/api/v1/queues/sites/HSG/HCC")
    assert response.status_code == 200
    body = response.json()
    assert body["is_open"] is True
    assert "elderly" in body["lanes"]
    assert body["services"][0]["prefix"] == "A"
    assert client.get("/api/v1/queues/sites/HSG/NOPE").status_code == 404


def test_site_and_service_names_come_in_every_language_they_have(client, clock, service, counter):
    service.names = {"zh-hant": "房屋查詢", "ms": "Pertanyaan perumahan"}
    service.save(update_fields=["names"])
    body = client.get("/api/v1/queues/sites/HSG/HCC").json()
    assert body["names"] == {}
    (listed,) = body["services"]
    assert listed["name"] == service.name
    assert listed["names"] == {"zh-hant": "房屋查詢", "ms": "Pertanyaan perumahan"}


def test_join_read_and_cancel(client, clock, service, counter):
    first = post(client, "/api/v1/queues/tickets", {"service_id": service.id})
    assert first.status_code == 201, first.content
    response = post(
        client,
        "/api/v1/queues/tickets",
        {"service_id": service.id, "email": "aisha@example.org", "notify_ahead": 0},
    )
    assert response.status_code == 201
    ticket = response.json()
    assert ticket["number"] == "A002"
    assert ticket["people_ahead"] == 1
    assert ticket["estimated_wait_minutes"] == 10  # 1 ahead × 10 min ÷ 1 counter (none open)
    read = client.get(f"/api/v1/queues/tickets/{ticket['token']}").json()
    assert read["status"] == "waiting"
    cancelled = post(client, f"/api/v1/queues/tickets/{first.json()['token']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert client.get(f"/api/v1/queues/tickets/{ticket['token']}").json()["people_ahead"] == 0
    again = post(client, f"/api/v1/queues/tickets/{first.json()['token']}/cancel")
    assert again.status_code == 409


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"service_id": 999999}, 404),
        ({"service_id": 2**40}, 422),
        ({"service_id": "x"}, 422),
        ({}, 422),
        ({"lane": "vip"}, 422),
        ({"notify_ahead": 3}, 422),
        ({"phone": "12", "notify_ahead": 3}, 422),
    ],
)
def test_bad_joins_are_clear_errors(client, clock, service, payload, status):
    payload = {"service_id": service.id, **payload} if "service_id" not in payload else payload
    if payload == {"service_id": service.id}:
        payload = {}
    response = post(client, "/api/v1/queues/tickets", payload)
    assert response.status_code == status, response.content
    assert Ticket.objects.count() == 0


def test_join_when_closed_is_409(client, clock, service):
    clock.move_to("2026-03-01 10:00+08:00")  # a Sunday
    response = post(client, "/api/v1/queues/tickets", {"service_id": service.id})
    assert response.status_code == 409
    assert response.json()["code"] == "site_closed"


def test_staff_serve_over_api(client, clock, service, counter, officer):
    post(client, "/api/v1/queues/tickets", {"service_id": service.id})
    assert post(client, f"/api/v1/queues/counters/{counter.id}/call-next").status_code == 401
    client.force_login(officer)
    called = post(client, f"/api/v1/queues/counters/{counter.id}/call-next").json()["ticket"]
    assert called["number"] == "A001" and called["status"] == "called"
    started = post(client, f"/api/v1/queues/staff/tickets/{called['id']}/start")
    assert started.json()["status"] == "serving"
    done = post(client, f"/api/v1/queues/staff/tickets/{called['id']}/finish", {"note": "ok"})
    assert done.json()["status"] == "done"
    empty = post(client, f"/api/v1/queues/counters/{counter.id}/call-next").json()
    assert empty == {"ticket": None}


def test_officer_round_statements_periods_and_audit(
    client, clock, service, counter, officer, django_assert_max_num_queries
):
    """Call, start, finish: every period closed and timed, every action audited; on PostgreSQL
    each write is one statement (workflows.ticket_move), so the counts stay small."""
    from django.db import connection

    from civicdesk.audit.models import AuditEntry
    from civicdesk.queues.models import TicketPeriod

    for _ in range(2):
        post(client, "/api/v1/queues/tickets", {"service_id": service.id})
    client.force_login(officer)
    postgres = connection.vendor == "postgresql"
    # Session, user, profile; BEGIN, counter, officer's sites, services, candidates, write, COMMIT
    # (the first round also makes the agency's survey: counted from the second).
    limits = {"call-next": 10, "start": 8, "finish": 13} if postgres else {}
    for round_ in range(2):
        url = f"/api/v1/queues/counters/{counter.id}/call-next"
        with django_assert_max_num_queries(limits.get("call-next", 99) if round_ else 99):
            ticket = post(client, url).json()["ticket"]
        for action in ("start", "finish"):
            with django_assert_max_num_queries(limits.get(action, 99) if round_ else 99):
                response = post(client, f"/api/v1/queues/staff/tickets/{ticket['id']}/{action}")
            assert response.status_code == 200, response.content
    periods = list(TicketPeriod.objects.filter(ticket_id=ticket["id"]).order_by("started_at", "id"))
    assert [p.status for p in periods] == ["waiting", "called", "serving"]
    assert all(p.ended_at is not None and p.ended_at >= p.started_at for p in periods)
    assert periods[1].counter_id == periods[2].counter_id == counter.id
    actions = AuditEntry.objects.filter(object_type="queues.ticket", object_id=str(ticket["id"]))
    assert sorted(actions.values_list("action", flat=True)) == [
        "ticket.call",
        "ticket.finish",
        "ticket.start",
    ]
    assert Ticket.objects.get(pk=ticket["id"]).status == TicketStatus.DONE


def test_other_sites_ticket_is_refused_and_unchanged(client, clock, service, counter):
    elsewhere = SiteFactory(agency=service.site.agency)
    stranger = StaffFactory(agency=elsewhere.agency, sites=[elsewhere]).user
    post(client, "/api/v1/queues/tickets", {"service_id": service.id})
    ticket = Ticket.objects.get()
    client.force_login(stranger)
    assert post(client, f"/api/v1/queues/counters/{counter.id}/call-next").status_code == 403
    response = post(client, f"/api/v1/queues/staff/tickets/{ticket.id}/start")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING
