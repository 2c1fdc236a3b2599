"""The database side of `civicdesk bench intake`, run as `python -m civicdesk.bench._intake_db`
in the benchmark's environment (its DATABASE_URL): set up credentials, count the cases a run
made, and count the SQL statements one created case costs, in-process."""

from __future__ import annotations

import json
import sys

MARKER = "bench-intake"


def setup() -> dict:
    from civicdesk.cases.api import hash_key
    from civicdesk.cases.models import Category, IntakeKey, ServiceStandard
    from civicdesk.open311.models import ApiKey
    from civicdesk.open311.models import hash_api_key as open311_hash
    from civicdesk.organisations.models import Agency, Department

    agency, _ = Agency.objects.get_or_create(
        code="BENCH",
        defaults={
            "name": "Benchmark Agency",
            "languages": ["en"],
            "office_hours": {str(d): [["09:00", "17:00"]] for d in range(5)},
            "timezone": "Asia/Hong_Kong",
            "holiday_country": "HK",
        },
    )
    department, _ = Department.objects.get_or_create(
        agency=agency, code="OPS", defaults={"name": "Operations"}
    )
    standard, _ = ServiceStandard.objects.get_or_create(agency=agency, name="Bench standard")
    Category.objects.get_or_create(
        agency=agency,
        code="pothole",
        defaults={"name": "Pothole", "department": department, "standard": standard},
    )
    key = "bench-intake-key"
    IntakeKey.objects.get_or_create(key_hash=hash_key(key), defaults={"agency": agency,
                                                                      "name": "bench"})  # fmt: skip
    if not ApiKey.objects.filter(key_hash=open311_hash(key)).exists():
        api_key = ApiKey(name="bench", agency=agency)
        api_key.set_key(key)
        api_key.save()
    return {"key": key, "agency": agency.code, "category": "pothole"}


def count(run: str) -> dict:
    """How many cases carry each of this run's markers: {marker: n}."""
    from django.db.models import Count

    from civicdesk.cases.models import Case

    rows = (
        Case.objects.filter(description__startswith=f"{MARKER} {run} ")
        .values("description")
        .annotate(n=Count("id"))
    )
    return {row["description"].split(" ")[2]: row["n"] for row in rows}


def queries(api: str, n: int = 5) -> float:
    """Statements per created case: the same request the load sends, through Django in-process."""
    import uuid

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    run = f"q{uuid.uuid4().hex[:8]}"
    counts = []
    for i in range(n + 1):
        method, path, kwargs = request_for(api, setup()["key"], run, i)
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(path, **kwargs)
        assert response.status_code == 201, response.content
        if i:  # the first warms per-process caches, as a running server's are warm
            counts.append(len(captured.captured_queries))
    return sum(counts) / len(counts)


def request_for(api: str, key: str, run: str, i: int) -> tuple[str, str, dict]:
    description = f"{MARKER} {run} {i} The road surface has broken up near the bus stop."
    # Spread over the city, as real reports are: the duplicate check compares with neighbours.
    lat, long = (
        f"{22.2 + (i * 7919 % 3000) / 10000:.4f}",
        f"{113.9 + (i * 104729 % 4000) / 10000:.4f}",
    )
    headers = {"Idempotency-Key": f"{run}-{i}"}
    if api == "open311":
        data = {"api_key": key, "service_code": "BENCH-pothole", "lat": lat, "long": long,
                "description": description}  # fmt: skip
        return "post", "/open311/v2/requests.json", {"data": data, "headers": headers}
    body = {"kind": "service_request", "channel": "web", "category": "pothole",
            "description": description, "latitude": lat, "longitude": long}  # fmt: skip
    return (
        "post",
        "/api/v1/cases/",
        {
            "data": json.dumps(body),
            "content_type": "application/json",
            "headers": {**headers, "X-Api-Key": key},
        },
    )


def main(argv: list[str]) -> None:
    import django

    django.setup()
    action = argv[0]
    if action == "setup":
        result = setup()
    elif action == "count":
        result = count(argv[1])
    else:
        result = {"queries_per_case": queries(argv[1])}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
