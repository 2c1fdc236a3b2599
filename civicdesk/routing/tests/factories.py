"""Test data for routing: the bilingual CSVs as RoutingExamples, and trained versions."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from civicdesk.organisations.tests.factories import DepartmentFactory
from civicdesk.routing.adapters import RoutingExample

DATA = Path(__file__).parent / "data"
HISTORY_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CFPB = Path("/work/shared/data/routing/cfpb-complaints-train.csv")
DEPARTMENTS = {
    "MAINT": "Estate Maintenance",
    "TRANSPORT": "Transport",
    "CLEANSING": "Street Cleansing",
}


def bilingual_rows(name: str = "harbour_train.csv") -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def bilingual_examples(name: str = "harbour_train.csv", *, since=None) -> list[RoutingExample]:
    start = since or HISTORY_START
    return [
        RoutingExample(
            text=row["text"],
            kind="complaint",
            channel="web",
            category_hint="",
            location_hint="",
            label=row["label"],
            created_at=start + timedelta(hours=i),
        )
        for i, row in enumerate(bilingual_rows(name))
    ]


def departments_for(agency) -> dict:
    return {
        code: DepartmentFactory(agency=agency, code=code, name=name)
        for code, name in DEPARTMENTS.items()
    }


def train_version(agency, examples=None, *, actor=None):
    from civicdesk.routing.services import model_version_request, model_version_train

    version = model_version_request(actor=actor, agency=agency, enqueue=False)
    return model_version_train(
        version_id=version.pk, examples=examples if examples is not None else bilingual_examples()
    )
