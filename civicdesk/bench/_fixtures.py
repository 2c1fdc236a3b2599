"""Benchmark data, made in a child process on the benchmark's database.

`python -m civicdesk.bench._fixtures KIND [--tickets N] [--counters N]` prints one JSON object
(ids, tokens, staff credentials) for the benchmark driving the server over HTTP.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["site", "audit"])
    parser.add_argument("--site-id", type=int, default=0)
    parser.add_argument("--tickets", type=int, default=0)
    parser.add_argument("--counters", type=int, default=1)
    parser.add_argument("--services", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.config.settings.local")
    import django

    django.setup()
    if args.kind == "audit":
        print(json.dumps(audit(args.site_id)))
    else:
        print(json.dumps(make_site(args.tickets, args.counters, args.services)))


def audit(site_id: int) -> dict:
    """Every ticket number given at the site, and the queries each queue operation costs in a
    warm process, as the bench's clients pay them: a visitor's join without a session, an
    officer's call-next, start and finish signed in. One round of all four goes first (the
    process's caches, the agency's survey made at its first finish), then the round counted."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from civicdesk.queues.models import Counter, Service, Ticket

    numbers = list(Ticket.objects.filter(site_id=site_id).values_list("day", "prefix", "sequence"))
    service = Service.objects.filter(site_id=site_id).first()
    counter = Counter.objects.filter(site_id=site_id).first()
    visitor = Client(HTTP_HOST="127.0.0.1")
    officer = Client(HTTP_HOST="127.0.0.1")
    officer.force_login(counter.officer.user if counter.officer else _any_officer(site_id))
    queries: dict[str, int] = {}
    for _round in range(2):
        with CaptureQueriesContext(connection) as ctx:
            visitor.post(
                "/api/v1/queues/tickets",
                {"service_id": service.id},
                content_type="application/json",
            )
        queries["join"] = len(ctx)
        ticket_id = None
        for name, path in (
            ("call", f"/api/v1/queues/counters/{counter.id}/call-next"),
            ("start", "/api/v1/queues/staff/tickets/{id}/start"),
            ("finish", "/api/v1/queues/staff/tickets/{id}/finish"),
        ):
            with CaptureQueriesContext(connection) as ctx:
                response = officer.post(
                    path.format(id=ticket_id), {}, content_type="application/json"
                )
            queries[name] = len(ctx)
            if name == "call":
                ticket_id = (response.json().get("ticket") or {}).get("id")
    return {"numbers": [[str(d), p, s] for d, p, s in numbers], "queries": queries}


def _any_officer(site_id: int):
    from civicdesk.organisations.models import StaffProfile

    return StaffProfile.objects.filter(sites=site_id).first().user


def make_site(tickets: int, counters: int, services: int) -> dict:
    from django.contrib.auth import get_user_model

    from civicdesk.core.clock import now
    from civicdesk.organisations.models import Agency, Site, StaffProfile
    from civicdesk.organisations.roles import Role
    from civicdesk.queues.models import Channel, Counter, Service, Ticket, TicketStatus

    suffix = secrets.token_hex(3).upper()
    agency = Agency.objects.create(code=f"B{suffix}", name=f"Bench agency {suffix}")
    always = {str(d): [["00:00", "23:59"]] for d in range(7)}
    site = Site.objects.create(
        agency=agency,
        code=f"S{suffix}",
        name="Bench site",
        opening_hours=always,
        timezone="UTC",
        holiday_country="",
    )
    made_services = [
        Service.objects.create(site=site, name=f"Service {i}", prefix="ABCDEFGH"[i])
        for i in range(services)
    ]
    password = secrets.token_urlsafe(16)
    made_counters, officers = [], []
    user_model = get_user_model()
    for i in range(counters):
        counter = Counter.objects.create(site=site, name=str(i + 1))
        counter.services.set(made_services)
        user = user_model.objects.create_user(username=f"bench{suffix}{i}", password=password)
        profile = StaffProfile.objects.create(
            user=user, agency=agency, role=Role.FRONTLINE, display_name=f"Officer {i + 1}"
        )
        profile.sites.set([site])
        made_counters.append(counter.id)
        officers.append(user.username)
    at = now()
    rows = [
        Ticket(
            site=site,
            service=made_services[0],
            day=at.date(),
            prefix="Z",
            sequence=i + 1,
            channel=Channel.REMOTE,
            status=TicketStatus.DONE,
            queued_at=at,
            joined_at=at,
        )
        for i in range(tickets)
    ]
    Ticket.objects.bulk_create(rows, batch_size=500)
    tokens = list(Ticket.objects.filter(site=site, prefix="Z").values_list("token", flat=True))
    return {
        "agency": agency.code,
        "site": site.code,
        "site_id": site.id,
        "services": [s.id for s in made_services],
        "counters": made_counters,
        "officers": officers,
        "password": password,
        "tokens": tokens,
    }


if __name__ == "__main__":
    main()
