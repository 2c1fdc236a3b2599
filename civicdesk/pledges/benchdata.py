"""Bulk history for `civicdesk bench dashboards`: tickets, cases and answers by COPY (PostgreSQL)
or multi-row INSERT (SQLite), across three agencies with four sites each, over a year."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction

from civicdesk.core.clock import now

AGENCIES = [("BHSG", "Bench Housing"), ("BTRN", "Bench Transport"), ("BENV", "Bench Environment")]
SITES_PER_AGENCY = 4
HISTORY_DAYS = 365
TZ = ZoneInfo("Asia/Hong_Kong")


def _progress(message: str) -> None:
    import sys

    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def _defaults(model) -> dict:
    """A value for every column a bulk row must carry (Django keeps defaults in Python)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.has_default():
            default = field.get_default()
            values[field.column] = default if not callable(default) else None
        elif field.null:
            values[field.column] = None
        elif isinstance(field, (models.CharField, models.TextField)):
            values[field.column] = ""
        else:
            values[field.column] = None
    return values


def bulk_insert(model, rows) -> int:
    """rows: iterable of dicts keyed by column. COPY on PostgreSQL, batched INSERT otherwise."""
    import json

    base = _defaults(model)
    columns = list(base)
    table = model._meta.db_table
    json_columns = {
        f.column for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
    }
    count = 0

    def full(row):
        merged = base | row
        return [json.dumps(merged[c]) if c in json_columns else merged[c] for c in columns]

    with transaction.atomic(), connection.cursor() as cursor:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(full(row))
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(columns))
            batch = []
            for row in rows:
                batch.append(full(row))
                if len(batch) >= 5000:
                    cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", batch)  # noqa: S608
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", batch)  # noqa: S608
                count += len(batch)
    return count


def ensure_city() -> dict:
    """Three agencies, four sites each with two services, categories, a survey, 30 pledges."""
    from civicdesk.cases.models import Category, ServiceStandard
    from civicdesk.organisations.models import Agency, Department, Site
    from civicdesk.pledges.demo import CLOCKS
    from civicdesk.pledges.metrics import Metric
    from civicdesk.pledges.models import Pledge
    from civicdesk.queues.models import Service
    from civicdesk.surveys.services import survey_create_default

    hours = {str(d): [["09:00", "17:00"]] for d in range(5)}
    city = {}
    for code, name in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "languages": ["en"], "office_hours": hours}
        )
        department, _ = Department.objects.get_or_create(
            agency=agency, code="MAIN", defaults={"name": "Main"}
        )
        standard, _ = ServiceStandard.objects.get_or_create(agency=agency, name="Standard")
        categories = [
            Category.objects.get_or_create(
                agency=agency, code=f"c{i}",
                defaults={"name": f"Category {i}", "department": department, "standard": standard},
            )[0]
            for i in range(5)
        ]  # fmt: skip
        sites, services = [], []
        for i in range(SITES_PER_AGENCY):
            site, _ = Site.objects.get_or_create(
                agency=agency, code=f"S{i}",
                defaults={"name": f"{name} site {i}", "address": "1 Bench Road", "opening_hours": hours},
            )  # fmt: skip
            sites.append(site)
            for prefix in "AB":
                services.append(
                    Service.objects.get_or_create(site=site, prefix=prefix, defaults={"name": f"Service {prefix}"})[0]
                )  # fmt: skip
        version = survey_create_default(agency=agency).current_version
        if not Pledge.objects.filter(agency=agency).exists():
            for metric in Metric.values:
                threshold = {"tickets_within": 20, "appointments_on_time": 10}.get(metric)
                target = {"wait_mean": 15, "wait_p90": 30, "nps": 20}.get(metric, 85)
                Pledge.objects.create(
                    agency=agency, metric=metric, target=target, threshold=threshold,
                    clock_start=CLOCKS.get(metric, "standard"), period="month",
                )  # fmt: skip
        city[code] = {"agency": agency, "sites": sites, "services": services,
                      "categories": categories, "version": version}  # fmt: skip
    return city


def _ticket_rows(city, n: int, days: list[date], rng, serial):
    agencies = list(city.values())
    for _ in range(n):
        a = agencies[rng.randrange(len(agencies))]
        service = a["services"][rng.randrange(len(a["services"]))]
        day = days[rng.randrange(len(days))]
        joined = datetime(day.year, day.month, day.day, 9, tzinfo=TZ) + timedelta(
            seconds=rng.randrange(8 * 3600)
        )
        wait = timedelta(seconds=int(rng.expovariate(1 / 600)))
        i = next(serial)
        called = joined + wait
        yield {
            "site_id": service.site_id, "service_id": service.pk, "day": day, "prefix": service.prefix,
            "sequence": i, "channel": "kiosk", "lane": "normal", "status": "done",
            "queued_at": joined, "joined_at": joined, "called_at": called,
            "last_called_at": called, "started_at": called,
            "finished_at": called + timedelta(minutes=8), "token": f"bench{i}",
            "recall_count": 0, "transfer_count": 0, "language": "en",
        }  # fmt: skip


def _case_rows(city, n: int, days: list[date], rng, serial, moment):
    agencies = list(city.values())
    for _ in range(n):
        a = agencies[rng.randrange(len(agencies))]
        day = days[rng.randrange(len(days))]
        received = datetime(day.year, day.month, day.day, 8, tzinfo=TZ) + timedelta(
            seconds=rng.randrange(12 * 3600)
        )
        ack_due = received + timedelta(hours=24)
        reply_due = received + timedelta(days=14)
        acked = received + timedelta(hours=rng.uniform(0.5, 30))
        replied = received + timedelta(days=rng.uniform(1, 18))
        acked = acked if acked < moment else None
        replied = replied if replied < moment else None
        i = next(serial)
        yield {
            "reference": f"{a['agency'].code}-B-{i:08d}", "agency_id": a["agency"].pk,
            "kind": "complaint" if i % 3 else "enquiry", "channel": "web",
            "category_id": a["categories"][i % 5].pk, "site_id": a["sites"][i % SITES_PER_AGENCY].pk,
            "language": "en", "subject": "Bench", "description": "Bench case", "priority": 2,
            "status": "resolved" if replied else "acknowledged", "received_at": received,
            "clock_started_at": received, "acknowledge_due_at": ack_due, "reply_due_at": reply_due,
            "acknowledged_at": acked, "replied_at": replied, "resolved_at": replied,
            "paused_seconds": 0, "transfer_count": 0,
            "created_at": received, "updated_at": replied or acked or received,
        }  # fmt: skip


def _answer_rows(city, n: int, days: list[date], rng):
    agencies = list(city.values())
    for i in range(n):
        a = agencies[rng.randrange(len(agencies))]
        day = days[rng.randrange(len(days))]
        answered = datetime(day.year, day.month, day.day, 10, tzinfo=TZ) + timedelta(
            seconds=rng.randrange(8 * 3600)
        )
        yield {
            "agency_id": a["agency"].pk, "site_id": a["sites"][i % SITES_PER_AGENCY].pk,
            "version_id": a["version"].pk, "answered_at": answered,
            "csat": rng.choice((5, 5, 4, 4, 4, 3, 2)), "nps": rng.randrange(11),
            "ces": rng.randrange(1, 8), "language": "en", "source": "demo",
        }  # fmt: skip


def generate(*, tickets: int, cases: int, answers: int, seed: int = 7) -> dict:
    import itertools

    from civicdesk.cases.models import Case
    from civicdesk.queues.models import Ticket
    from civicdesk.surveys.models import Response

    city = ensure_city()
    rng = random.Random(seed)  # noqa: S311
    moment = now()
    today = moment.astimezone(TZ).date()
    days = [today - timedelta(days=d) for d in range(HISTORY_DAYS, 0, -1)]
    serial = itertools.count(1)
    started = time.monotonic()
    _progress(f"generating {tickets:,} tickets ...")
    bulk_insert(Ticket, _ticket_rows(city, tickets, days, rng, serial))
    _progress(f"generating {cases:,} cases ...")
    bulk_insert(Case, _case_rows(city, cases, days, rng, serial, moment))
    _progress(f"generating {answers:,} survey answers ...")
    bulk_insert(Response, _answer_rows(city, answers, days, rng))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _progress(f"generated in {time.monotonic() - started:.1f}s")
    return {"serial_start": next(serial)}


def add_day(*, tickets: int, cases: int, answers: int, late_cases: int, seed: int = 8) -> None:
    """One day of new data (today) and late replies to last month's open cases."""
    import itertools

    from civicdesk.cases.models import Case
    from civicdesk.queues.models import Ticket
    from civicdesk.surveys.models import Response

    city = ensure_city()
    rng = random.Random(seed)  # noqa: S311
    moment = now()
    today = moment.astimezone(TZ).date()
    # Past every serial used so far, so that the step can run again on the same database.
    serial = itertools.count(10**9 + Ticket.objects.count() + Case.objects.count())
    bulk_insert(Ticket, _ticket_rows(city, tickets, [today], rng, serial))
    bulk_insert(Case, _case_rows(city, cases, [today], rng, serial, moment))
    bulk_insert(Response, _answer_rows(city, answers, [today], rng))
    month_ago = moment - timedelta(days=30)
    late = list(
        Case.objects.filter(replied_at__isnull=True, received_at__lt=month_ago).values_list(
            "pk", flat=True
        )[:late_cases]
    )
    Case.objects.filter(pk__in=late).update(
        replied_at=moment, resolved_at=moment, updated_at=moment
    )
