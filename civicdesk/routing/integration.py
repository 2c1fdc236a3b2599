"""Automatic routing at intake: one call from case creation, cheap and unable to break it.

`auto_route(agency=..., text=..., kind=..., channel=...)` returns a `RouteDecision` when the
agency's serving model is sure enough (its top destination clears the threshold the version
chose on held-back history for the agency's precision target), otherwise None and the case
follows the category rules or goes to triage. Any failure is logged and answered with None.

Cost: each process keeps, per agency, which version serves (or that none does), that version's
destinations (department code -> id) and the loaded model. The database is asked again at most
every CHECK_EVERY_SECONDS, so with a warm cache a decision runs no SQL at all, also when the
agency has no model. Promoting or rolling back in this process drops the agency's entry at
once; other processes notice within CHECK_EVERY_SECONDS.

Precedence at intake (see docs/routing.md): a category the citizen (or the officer taking the
case) picked wins; otherwise a sure model decision; otherwise the keyword rules; otherwise triage.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.db import transaction

log = logging.getLogger("civicdesk.routing")

CHECK_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class RouteDecision:
    department_id: int
    department_code: str
    confidence: float
    threshold: float
    version_number: int
    version_id: int

    def describe(self) -> str:
        return (
            f"routed automatically by model v{self.version_number} "
            f"at confidence {self.confidence:.2f} (threshold {self.threshold:.2f})"
        )

    def as_data(self) -> dict:
        return {
            "department": self.department_code,
            "confidence": round(self.confidence, 4),
            "threshold": round(self.threshold, 4),
            "version": self.version_number,
        }


@dataclass
class _Serving:
    checked_at: float
    version_id: int | None = None  # None: no model serves this agency
    number: int = 0
    sha256: str = ""
    destinations: dict[str, int] | None = None  # active department code -> id
    broken: bool = False  # the artifact failed to load: do not retry until the next check
    model: object = None  # held here too: artifact's LRU keeps only a few agencies' models


_CACHE: dict[int | None, _Serving] = {}
_LOCK = threading.Lock()
_ASSUME_NONE = False  # tests: an agency never seen has no model until one is promoted here


def reset_cache(*, assume_no_models: bool = False) -> None:
    """Forget everything. `assume_no_models` (tests) treats agencies not seen since as having no
    serving model, so intake in a test costs no routing query unless a version is promoted."""
    global _ASSUME_NONE
    with _LOCK:
        _CACHE.clear()
        _ASSUME_NONE = assume_no_models


def forget(agency_id: int | None) -> None:
    """A version was promoted or rolled back for this agency: look again on the next case."""
    global _ASSUME_NONE
    with _LOCK:
        _CACHE.pop(agency_id, None)
        _ASSUME_NONE = False


def _lookup(agency_id: int | None, at: float) -> _Serving:
    from civicdesk.organisations.models import Department
    from civicdesk.routing.models import ModelVersion

    # A savepoint: a failing query must not poison the intake transaction around us.
    with transaction.atomic():
        row = (
            ModelVersion.objects.filter(agency_id=agency_id, is_active=True)
            .exclude(artifact_sha256="")
            .values_list("id", "number", "artifact_sha256")
            .first()
        )
        if row is None:
            return _Serving(checked_at=at)
        destinations = dict(
            Department.objects.filter(agency_id=agency_id, is_active=True).values_list("code", "id")
        )
    return _Serving(
        checked_at=at, version_id=row[0], number=row[1], sha256=row[2], destinations=destinations
    )


def _serving(agency_id: int | None) -> _Serving:
    at = time.monotonic()
    with _LOCK:
        entry = _CACHE.get(agency_id)
        if entry is None and _ASSUME_NONE:
            entry = _CACHE[agency_id] = _Serving(checked_at=at)
    if entry is not None and at - entry.checked_at < CHECK_EVERY_SECONDS:
        return entry
    fresh = _lookup(agency_id, at)
    if entry is not None and (entry.version_id, entry.sha256) == (fresh.version_id, fresh.sha256):
        fresh.model = entry.model  # the same version: no need to read megabytes again
    with _LOCK:
        _CACHE[agency_id] = fresh
    return fresh


def auto_route(
    *, agency, text: str, kind: str = "", channel: str = "", location: str = ""
) -> RouteDecision | None:
    """The department to route a new case of `agency` to, or None (rules, then triage).

    The inputs mirror what `routing_examples` gives the model: subject + description, kind,
    channel and the site code (location); never the category (see docs/routing.md)."""
    if agency is None:
        return None
    try:
        return _decide(agency.pk, text=text, kind=kind, channel=channel, location=location)
    except Exception:  # intake goes on whatever happens here
        log.exception("automatic routing failed for agency %s; the case goes to triage", agency.pk)
        return None


def _decide(
    agency_id: int, *, text: str, kind: str, channel: str, location: str
) -> RouteDecision | None:
    # Imported here: scikit-learn loads on the first case, not when the cases app is imported.
    from civicdesk.routing import artifact
    from civicdesk.routing.model import Example, normalise_text

    entry = _serving(agency_id)
    if entry.version_id is None or entry.broken or not normalise_text(text):
        return None
    model = entry.model
    if model is None:
        from civicdesk.routing.embeddings import EmbeddingsUnavailable

        try:
            model = entry.model = artifact.load(version_id=entry.version_id, sha256=entry.sha256)
        except EmbeddingsUnavailable as exc:
            entry.broken = True  # a missing extra, not a bug: the reason without a traceback
            log.error("routing version %s not used: %s", entry.version_id, exc)
            return None
        except Exception:
            entry.broken = True  # one log line per check interval, not one per case
            log.exception("routing version %s could not be loaded", entry.version_id)
            return None
    example = Example(text=text, kind=kind, channel=channel, location_hint=location)
    proba = model.predict_proba([example])[0]
    best = int(proba.argmax())
    code, confidence = model.labels[best], float(proba[best])
    department_id = (entry.destinations or {}).get(code)
    if department_id is None or confidence < model.threshold:
        return None
    return RouteDecision(
        department_id=department_id,
        department_code=code,
        confidence=confidence,
        threshold=model.threshold,
        version_number=entry.number,
        version_id=entry.version_id,
    )


def auto_route_record(*, case, decision: RouteDecision) -> None:
    """The event on the case and the audit entry, in the intake transaction."""
    from civicdesk.audit.services import audit_record
    from civicdesk.cases.workflows import case_event

    data = decision.as_data()
    case_event(case=case, actor=None, action="routed_automatically", text=decision.describe(),
               data=data)  # fmt: skip
    audit_record(actor=None, action="case.auto_route", target=case, agency=case.agency,
                 data={"reference": case.reference, **data})  # fmt: skip
