"""References are allocated without gaps or repeats when many requests create cases at once."""

import threading

import pytest
from django.db import close_old_connections, connection

from civicdesk.cases.models import Case
from civicdesk.cases.services import case_create

pytestmark = pytest.mark.django_db(transaction=True)
# pytest-django's in-memory SQLite uses a shared cache with table locks, which real deployments
# never see; on SQLite the same property is tested below with processes on a real WAL file.
needs_server_db = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="threads on in-memory SQLite; see the process test"
)


@needs_server_db
def test_concurrent_creates_get_consecutive_unique_references(agency):
    threads, errors = [], []

    def worker(n):
        try:
            for i in range(5):
                case_create(agency=agency, kind="enquiry", channel="web",
                            description=f"worker {n} case {i}")  # fmt: skip
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    for n in range(6):
        threads.append(threading.Thread(target=worker, args=(n,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(
        int(r.rsplit("-", 1)[1]) for r in Case.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, 31))


@needs_server_db
def test_same_idempotency_key_concurrently_makes_one_case(agency):
    results, errors = [], []
    barrier = threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            results.append(case_create(agency=agency, kind="enquiry", channel="web",
                                       description="same", idempotency_key="dup-1").reference)  # fmt: skip
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1 and Case.objects.count() == 1


WORKER = """
import sys, django
django.setup()
from civicdesk.cases.services import case_create
from civicdesk.organisations.models import Agency
agency = Agency.objects.get(code="HSG")
for i in range(8):
    case_create(agency=agency, kind="enquiry", channel="web", description=f"p{sys.argv[1]} {i}")
    case_create(agency=agency, kind="enquiry", channel="web", description="same",
                idempotency_key="shared-key")
"""

SETUP = """
import django
django.setup()
from civicdesk.organisations.services import agency_create
agency_create(actor=None, code="HSG", name="Housing", languages=["en"],
              office_hours={str(d): [["09:00", "17:00"]] for d in range(5)})
"""

COUNT = """
import django
django.setup()
from civicdesk.cases.models import Case
print(",".join(sorted(Case.objects.values_list("reference", flat=True))))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file test")
def test_concurrent_processes_on_a_sqlite_file():
    """Four processes create cases at once in a real SQLite WAL database."""
    import subprocess
    import sys

    from civicdesk.bench.harness import bench_environment, civicdesk

    with bench_environment(None) as env:
        civicdesk(env, "migrate", "--no-input")
        run = [sys.executable, "-c"]
        subprocess.run([*run, SETUP], env=env, check=True)
        procs = [subprocess.Popen([*run, WORKER, str(n)], env=env) for n in range(4)]
        assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
        out = subprocess.run([*run, COUNT], env=env, check=True, capture_output=True, text=True)
    references = out.stdout.strip().split(",")
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(1, 4 * 8 + 2))  # 32 distinct cases + one idempotent case


def test_references_start_at_one_and_grow_past_six_digits(agency):
    """The first case of a year creates its counter; past 999999 the number just gets longer."""
    from civicdesk.cases.models import ReferenceCounter

    first = case_create(agency=agency, kind="enquiry", channel="web", description="First")
    year = first.received_at.year
    assert first.reference == f"{agency.code}-{year}-000001"
    ReferenceCounter.objects.filter(agency=agency, year=year).update(last=999_999)
    big = case_create(agency=agency, kind="enquiry", channel="web", description="Big")
    assert big.reference == f"{agency.code}-{year}-1000000"
    assert Case.objects.get(pk=big.pk).reference == big.reference
