"""JSON API: suggestions for a case text, and the versions with their evaluation."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from civicdesk.core.errors import NotFound
from civicdesk.organisations.models import Agency
from civicdesk.routing.selectors import model_versions_for
from civicdesk.routing.services import require_view
from civicdesk.routing.suggestions import routing_suggest

router = Router(tags=["routing"])


class SuggestIn(Schema):
    agency: str | None = Field(None, description="Agency code; empty for the shared front door.")
    text: str = Field(..., max_length=100_000)
    kind: str = ""
    channel: str = ""
    category_hint: str = ""
    location_hint: str = ""


class CandidateOut(Schema):
    code: str
    name: str
    confidence: float


class TermOut(Schema):
    term: str
    weight: float


class SuggestOut(Schema):
    candidates: list[CandidateOut]
    auto_route: bool
    threshold: float | None
    terms: list[TermOut]
    version: int | None
    reason: str


class VersionOut(Schema):
    number: int
    status: str
    is_active: bool
    n_train: int
    threshold: float | None
    top1: float | None
    top3: float | None
    macro_f1: float | None
    coverage: float | None
    created_at: str


def _agency(code: str | None) -> Agency | None:
    if not code:
        return None
    agency = Agency.objects.filter(code=code.upper()).first()
    if agency is None:
        raise NotFound()
    return agency


@router.post("/suggest", response=SuggestOut)
def suggest(request: HttpRequest, payload: SuggestIn):
    agency = _agency(payload.agency)
    require_view(request.user, agency)
    result = routing_suggest(
        agency=agency,
        text=payload.text,
        kind=payload.kind,
        channel=payload.channel,
        category_hint=payload.category_hint,
        location_hint=payload.location_hint,
    )
    return {
        "candidates": [
            {"code": c.code, "name": c.name, "confidence": c.confidence} for c in result.candidates
        ],
        "auto_route": result.auto_route,
        "threshold": result.threshold,
        "terms": [{"term": t, "weight": w} for t, w in result.terms],
        "version": result.version,
        "reason": result.reason,
    }


@router.get("/versions", response=list[VersionOut])
def versions(request: HttpRequest, agency: str | None = None):
    scope = _agency(agency)
    require_view(request.user, scope)
    return [
        {
            "number": v.number,
            "status": v.status,
            "is_active": v.is_active,
            "n_train": v.n_train,
            "threshold": v.threshold,
            "top1": v.evaluation.get("top1"),
            "top3": v.evaluation.get("top3"),
            "macro_f1": v.evaluation.get("macro_f1"),
            "coverage": v.evaluation.get("coverage"),
            "created_at": v.created_at.isoformat(),
        }
        for v in model_versions_for(request.user, agency=scope)
    ]
