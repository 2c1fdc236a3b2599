"""Harbour City's routing: models trained on a synthetic history of routed and corrected cases.

Until the cases app feeds real history through `routing_examples`, the demo trains each
agency's model (and the shared front door's) from `synthetic.history`. Idempotent: an agency
that already has a version is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from civicdesk.core.clock import now
from civicdesk.organisations.models import Agency
from civicdesk.routing.models import ModelVersion
from civicdesk.routing.services import model_version_request, model_version_train
from civicdesk.routing.synthetic import AGENCY_DEPARTMENTS, agency_of, history

CASES_PER_AGENCY = 200


def _train(agency, examples) -> ModelVersion:
    version = model_version_request(actor=None, agency=agency, trigger="demo", enqueue=False)
    return model_version_train(version_id=version.pk, examples=examples)


def load(*, stdout, stderr) -> None:
    end = now()
    start = end - timedelta(days=180)
    for seed, (code, departments) in enumerate(AGENCY_DEPARTMENTS.items(), start=1):
        agency = Agency.objects.filter(code=code).first()
        if agency is None or ModelVersion.objects.filter(agency=agency).exists():
            continue
        cases = history(
            departments=departments, n=CASES_PER_AGENCY, start=start, end=end, seed=seed
        )
        if code == "HSG":  # two versions, so the page shows a comparison and a roll-back target
            _train(agency, [c for c in cases if c.created_at < start + timedelta(days=110)])
        version = _train(agency, cases)
        stdout.write(
            f"Routing {code}: version {version.number} learned from {version.n_train} cases, "
            f"right first time {version.evaluation.get('top1')}."
        )
    if not ModelVersion.objects.filter(agency__isnull=True).exists() and Agency.objects.filter(
        code__in=AGENCY_DEPARTMENTS
    ).count() == len(AGENCY_DEPARTMENTS):
        all_departments = [d for deps in AGENCY_DEPARTMENTS.values() for d in deps]
        cases = history(
            departments=all_departments, n=300, start=start, end=end, seed=99, label_for=agency_of
        )
        version = _train(None, cases)
        stdout.write(f"Routing front door: version {version.number}, {version.n_train} cases.")
