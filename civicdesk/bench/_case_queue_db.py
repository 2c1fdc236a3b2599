"""The database side of `civicdesk bench case_queue`, run as
`python -m civicdesk.bench._case_queue_db --cases N --page P` in the benchmark's environment
(its DATABASE_URL): bulk-make an agency's queue, time the staff queue's query as the queue page
runs it (`case_list` through a 50-a-page Paginator), print one JSON object, then remove what it
made (a PostgreSQL database can be reused)."""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import time
from datetime import timedelta

PER_PAGE = 50  # as the queue page (cases.views.staff.queue)
DEPARTMENTS = 6
OFFICER_DEPARTMENTS = 2
SITES = 2


def make_queue(n: int) -> dict:
    """An agency with DEPARTMENTS departments and n cases, most open: a few in the triage pool
    (no department), some at a site, some assigned to the officer; plus n/10 cases held by
    another agency, some of them sent there by this one (by the officer or a colleague).
    Returns the ids the timing needs and the cleanup removes."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from civicdesk.cases.models import (
        Case,
        CaseStatus,
        CaseTransfer,
        Category,
        IntakeChannel,
        Kind,
        ServiceStandard,
    )
    from civicdesk.core.clock import now
    from civicdesk.organisations.models import Agency, Department, Site, StaffProfile
    from civicdesk.organisations.roles import Role

    suffix = secrets.token_hex(3).upper()
    agency = Agency.objects.create(code=f"Q{suffix}", name=f"Queue bench {suffix}")
    other = Agency.objects.create(code=f"R{suffix}", name=f"Queue bench other {suffix}")
    departments = [
        Department.objects.create(agency=agency, code=f"D{i}", name=f"Department {i}")
        for i in range(DEPARTMENTS)
    ]
    sites = [
        Site.objects.create(agency=agency, code=f"S{i}", name=f"Site {i}", address="-")
        for i in range(SITES)
    ]
    standard = ServiceStandard.objects.create(agency=agency, name="Bench standard")
    categories = [
        Category.objects.create(
            agency=agency, code=f"c{i}", name=f"Category {i}", department=d, standard=standard
        )
        for i, d in enumerate(departments)
    ]
    users = get_user_model().objects
    qsm_user = users.create_user(username=f"qsm{suffix}")
    StaffProfile.objects.create(user=qsm_user, agency=agency, role=Role.QSM, display_name="QSM")
    officer_user = users.create_user(username=f"officer{suffix}")
    officer = StaffProfile.objects.create(
        user=officer_user, agency=agency, role=Role.FRONTLINE, display_name="Officer"
    )
    officer.departments.set(departments[:OFFICER_DEPARTMENTS])
    officer.sites.set(sites[:1])

    statuses = [
        *[CaseStatus.NEW] * 3,
        *[CaseStatus.ACKNOWLEDGED] * 3,
        *[CaseStatus.IN_PROGRESS] * 8,
        CaseStatus.AWAITING_CITIZEN,
        CaseStatus.RESOLVED,
        CaseStatus.CLOSED,
    ]
    kinds, channels = list(Kind.values), list(IntakeChannel.values)
    at = now()
    cases = []
    for i in range(n + n // 10):
        held_elsewhere = i >= n
        status = statuses[i * 7 % len(statuses)]
        received = at - timedelta(minutes=7 * i + i % 13)
        department = None if i % 23 == 0 else departments[i % DEPARTMENTS]
        cases.append(
            Case(
                reference=f"Q{suffix}-{i:07d}",
                agency=other if held_elsewhere else agency,
                kind=kinds[i % len(kinds)],
                channel=channels[i % len(channels)],
                category=None if department is None else categories[i % DEPARTMENTS],
                department=None if held_elsewhere else department,
                site=sites[i % SITES] if i % 5 == 0 and not held_elsewhere else None,
                assignee=officer if i % 50 == 7 and not held_elsewhere else None,
                subject=f"Bench case {i}",
                description=f"Bench case {i}: the lift at block {i % 40} is out of order.",
                contact_email=f"citizen{i}@example.org",
                status=status,
                priority=1 + i % 4,
                received_at=received,
                clock_started_at=received,
                acknowledge_due_at=received + timedelta(hours=8),
                reply_due_at=received + timedelta(days=10, minutes=i % 97),
                acknowledged_at=None if status == CaseStatus.NEW else received + timedelta(hours=2),
                replied_at=received + timedelta(days=3) if i % 11 == 0 else None,
                paused_at=at if status == CaseStatus.AWAITING_CITIZEN else None,
                resolved_at=at if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) else None,
                created_at=received,
            )
        )
    Case.objects.bulk_create(cases, batch_size=1000)
    sent = Case.objects.filter(agency=other).values_list("pk", flat=True)
    CaseTransfer.objects.bulk_create(
        [
            CaseTransfer(
                case_id=pk,
                from_agency=agency,
                to_agency=other,
                reason="Not ours",
                actor=officer_user if k % 2 else qsm_user,
            )
            for k, pk in enumerate(sent)
        ],
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would, after so many new rows
            cursor.execute("ANALYZE")
    return {
        "agencies": [agency.pk, other.pk],
        "users": {"qsm": qsm_user.pk, "officer": officer_user.pk},
    }


def remove_queue(made: dict) -> None:
    from django.contrib.auth import get_user_model

    from civicdesk.cases.models import Case, CaseTransfer, Category, ServiceStandard
    from civicdesk.organisations.models import Agency, Department, Site, StaffProfile

    agencies = made["agencies"]
    CaseTransfer.objects.filter(from_agency__in=agencies).delete()
    Case.objects.filter(agency__in=agencies).delete()
    Category.objects.filter(agency__in=agencies).delete()
    ServiceStandard.objects.filter(agency__in=agencies).delete()
    StaffProfile.objects.filter(agency__in=agencies).delete()
    get_user_model().objects.filter(pk__in=made["users"].values()).delete()
    Department.objects.filter(agency__in=agencies).delete()
    Site.objects.filter(agency__in=agencies).delete()
    Agency.objects.filter(pk__in=agencies).delete()


def _queue_page(user_pk: int, number: int) -> tuple[float, float, int, int]:
    """One queue request's database work, as the queue page does it: (ms, CPU ms of this
    process, SQLite's work included, queries, page)."""
    from django.contrib.auth import get_user_model
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civicdesk.cases import selectors

    # A fresh user, as each request loads: the officer's departments and sites are read again.
    user = get_user_model().objects.select_related("staff_profile").get(pk=user_pk)
    with CaptureQueriesContext(connection) as captured:
        started, cpu_started = time.perf_counter(), time.process_time()
        page = Paginator(selectors.case_list(user=user, status="open"), PER_PAGE).get_page(number)
        rows = list(page.object_list)
        ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu_started) * 1000
    assert rows, "an empty queue page times nothing"
    return ms, cpu_ms, len(captured.captured_queries), page.number


def explain(user_pk: int, number: int) -> str:
    from django.contrib.auth import get_user_model

    from civicdesk.cases import selectors

    user = get_user_model().objects.select_related("staff_profile").get(pk=user_pk)
    start = (number - 1) * PER_PAGE
    return selectors.case_list(user=user, status="open")[start : start + PER_PAGE].explain()


def measure(made: dict, page: int, repeat: int, *, show_plans: bool = False) -> dict:
    result: dict = {}
    for role, user_pk in made["users"].items():
        for name, number in (("first", 1), ("deep", page)):
            _queue_page(user_pk, number)  # warm: the database's cache, the process's
            runs = [_queue_page(user_pk, number) for _ in range(repeat)]
            result[f"{role}_{name}_page_ms"] = round(statistics.median(r[0] for r in runs), 1)
            # Steadier than wall time on a busy machine; on PostgreSQL, the client's share only.
            result[f"{role}_{name}_page_cpu_ms"] = round(statistics.median(r[1] for r in runs), 1)
            result[f"{role}_{name}_page_queries"] = runs[-1][2]
            if name == "deep":
                result[f"{role}_deep_page"] = runs[-1][3]  # the last page, if fewer
            if show_plans:
                sys.stderr.write(f"--- {role}, page {number}\n{explain(user_pk, number)}\n")
    return result


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="Query plans to stderr.")
    args = parser.parse_args(argv)
    import django

    django.setup()
    started = time.perf_counter()
    made = make_queue(args.cases)
    build_s = time.perf_counter() - started
    try:
        result = {
            "cases": args.cases,
            "page": args.page,
            "per_page": PER_PAGE,
            "build_s": round(build_s, 1),
            **measure(made, args.page, args.repeat, show_plans=args.explain),
        }
    finally:
        remove_queue(made)
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
