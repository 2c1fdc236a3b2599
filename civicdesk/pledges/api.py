"""JSON API for staff: pledges they may see with their results; define and change pledges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import F
from django.http import HttpRequest
from ninja import Router, Schema, Status

from civicdesk.core.errors import NotFound
from civicdesk.organisations.models import Agency, Site
from civicdesk.organisations.permissions import Access, Area, require
from civicdesk.pledges import selectors, services
from civicdesk.pledges.metrics import Metric
from civicdesk.pledges.models import Period

router = Router(tags=["pledges"])


class ResultOut(Schema):
    label: str
    period_start: date
    period_end: date
    site: str | None
    value: float | None
    target: float
    met: bool | None
    items: int
    numerator: int
    is_complete: bool


class PledgeOut(Schema):
    id: int
    agency: str
    metric: str
    sentence: str
    threshold: int | None
    unit: str
    target: float
    period: str
    clock_start: str
    exclusions: list[str]
    is_published: bool
    is_active: bool


class PledgeIn(Schema):
    agency: str | None = None
    metric: Metric
    target: Decimal
    period: Period = Period.MONTH
    threshold: int | None = None
    clock_start: str | None = None
    exclusions: list[str] = []
    site: str | None = None
    channel: str = ""
    case_kind: str = ""
    is_published: bool = True


def _out(pledge) -> dict:
    return {
        "id": pledge.pk,
        "agency": pledge.agency.code,
        "metric": pledge.metric,
        "sentence": pledge.sentence,
        "threshold": pledge.threshold,
        "unit": pledge.unit,
        "target": float(pledge.target),
        "period": pledge.period,
        "clock_start": pledge.clock_start,
        "exclusions": pledge.exclusions,
        "is_published": pledge.is_published,
        "is_active": pledge.is_active,
    }


@router.get("/", response=list[PledgeOut])
def list_pledges(request: HttpRequest):
    require(request.user, Area.PLEDGES, Access.READ)
    return [_out(p) for p in selectors.pledges_for_staff(request.user)]


@router.get("/{pledge_id}/results", response=list[ResultOut])
def pledge_results(request: HttpRequest, pledge_id: int):
    pledge = selectors.pledges_for_staff(request.user).filter(pk=pledge_id).first()
    if pledge is None:
        raise NotFound()
    return [
        {
            "label": r.label,
            "period_start": r.period_start,
            "period_end": r.period_end,
            "site": r.site.code if r.site_id else None,
            "value": r.value,
            "target": float(r.target),
            "met": r.met,
            "items": r.count,
            "numerator": r.hits,
            "is_complete": r.is_complete,
        }
        for r in pledge.results.select_related("site").order_by(
            "period_start", F("site_id").asc(nulls_first=True)
        )
    ]


@router.post("/", response={201: PledgeOut})
def create_pledge(request: HttpRequest, payload: PledgeIn):
    profile = getattr(request.user, "staff_profile", None)
    code = payload.agency or (profile.agency.code if profile and profile.agency_id else "")
    agency = Agency.objects.filter(code=code.upper()).first()
    if agency is None:
        raise NotFound()
    data = payload.dict(exclude={"agency", "site"})
    data["site"] = (
        Site.objects.filter(agency=agency, code=payload.site).first() if payload.site else None
    )
    pledge = services.pledge_create(actor=request.user, agency=agency, **data)
    return Status(201, _out(pledge))
