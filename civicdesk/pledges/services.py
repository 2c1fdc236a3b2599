"""Writes: define, change and retire pledges. Results are recomputed by the task."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.core.errors import ValidationFailed
from civicdesk.organisations.permissions import Access, Area, Target, require
from civicdesk.pledges.metrics import SPECS, Kind, Metric, Source, channels
from civicdesk.pledges.models import ClockStart, Exclusion, Pledge, Unit

CLOCK_STARTS = {
    Source.TICKETS: (ClockStart.JOINED, ClockStart.QUEUED),
    Source.APPOINTMENTS: (ClockStart.SLOT,),
    Source.CASES: (ClockStart.STANDARD, ClockStart.RECEIPT),
    Source.ANSWERS: (ClockStart.ANSWERED,),
}
EXCLUSIONS = {
    Source.TICKETS: (Exclusion.NO_SHOW, Exclusion.PRIORITY, Exclusion.APPOINTMENTS),
    Source.APPOINTMENTS: (),
    Source.CASES: (Exclusion.COMPLIMENTS, Exclusion.TRANSFERRED),
    Source.ANSWERS: (),
}
FIELDS = (
    "metric",
    "target",
    "period",
    "threshold",
    "site",
    "service",
    "category",
    "channel",
    "case_kind",
    "clock_start",
    "exclusions",
    "owner",
    "starts_on",
    "is_published",
    "position",
)


def _clean(agency, data: dict) -> dict:
    errors: dict[str, str] = {}
    metric = data.get("metric")
    if metric not in Metric.values:
        raise ValidationFailed(_("Choose what the pledge measures."), field="metric")
    spec = SPECS[metric]
    try:
        target = Decimal(str(data.get("target")))
    except (InvalidOperation, ValueError):
        target = None
    low, high = {Kind.SHARE: (0, 100), Kind.NPS: (-100, 100)}.get(spec.kind, (0, 24 * 60))
    if target is None or not (low <= target <= high):
        errors["target"] = _("Enter a target from %(low)s to %(high)s.") % {
            "low": low,
            "high": high,
        }
    threshold = data.get("threshold")
    if threshold in ("", None):
        threshold = None
    else:
        try:
            threshold = int(threshold)
        except (TypeError, ValueError):
            threshold = -1
        if not (0 < threshold <= 1000):
            errors["threshold"] = _("Enter a whole number from 1 to 1000.")
    if spec.threshold == "minutes" and threshold is None:
        errors["threshold"] = _("Enter the number of minutes.")
    if not spec.threshold:
        threshold = None
    clock_start = data.get("clock_start") or CLOCK_STARTS[spec.source][0]
    if clock_start not in CLOCK_STARTS[spec.source]:
        errors["clock_start"] = _("This clock start does not apply to this measure.")
    exclusions = list(dict.fromkeys(data.get("exclusions") or []))
    if not set(exclusions) <= set(EXCLUSIONS[spec.source]):
        errors["exclusions"] = _("These exclusions do not apply to this measure.")
    site, service, category, owner = (data.get(k) for k in ("site", "service", "category", "owner"))
    if site is not None and site.agency_id != agency.pk:
        errors["site"] = _("Choose a site of this agency.")
    if service is not None:
        if spec.source not in (Source.TICKETS, Source.APPOINTMENTS, Source.ANSWERS):
            errors["service"] = _("A queue service only applies to queue and survey measures.")
        elif service.site.agency_id != agency.pk or (
            site is not None and service.site_id != site.pk
        ):
            errors["service"] = _("Choose a service of this agency (and of the chosen site).")
    if category is not None and (spec.source != Source.CASES or category.agency_id != agency.pk):
        errors["category"] = _("Choose a case category of this agency for a case measure.")
    if data.get("case_kind") and spec.source != Source.CASES:
        errors["case_kind"] = _("A kind of case only applies to case measures.")
    if owner is not None and owner.agency_id != agency.pk:
        errors["owner"] = _("Choose an owner from this agency.")
    if data.get("period") not in ("month", "quarter", "year"):
        errors["period"] = _("Choose month, quarter or year.")
    if data.get("channel") and data["channel"] not in channels(spec.source):
        errors["channel"] = _("Choose a channel this measure counts: %(channels)s.") % {
            "channels": ", ".join(sorted(channels(spec.source)))
        }
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationFailed(message, field=field, errors=errors)
    unit = {"minutes": Unit.MINUTES, "working_days": Unit.WORKING_DAYS}.get(spec.threshold, "")
    return {
        **{k: data.get(k) for k in FIELDS},
        "target": target,
        "threshold": threshold,
        "unit": unit if threshold is not None else Unit.NONE,
        "clock_start": clock_start,
        "exclusions": exclusions,
        "channel": data.get("channel") or "",
        "case_kind": data.get("case_kind") or "",
        "is_published": bool(data.get("is_published", True)),
        "position": int(data.get("position") or 0),
    }


def _snapshot(pledge: Pledge) -> dict:
    return {
        "metric": pledge.metric,
        "target": str(pledge.target),
        "threshold": pledge.threshold,
        "period": pledge.period,
        "site": pledge.site_id,
        "service": pledge.service_id,
        "category": pledge.category_id,
        "channel": pledge.channel,
        "case_kind": pledge.case_kind,
        "clock_start": pledge.clock_start,
        "exclusions": pledge.exclusions,
        "published": pledge.is_published,
    }


@transaction.atomic
def pledge_create(*, actor, agency, **data) -> Pledge:
    require(actor, Area.PLEDGES, Access.WRITE, Target(agency_id=agency.pk))
    pledge = Pledge.objects.create(agency=agency, needs_full_recompute=True, **_clean(agency, data))
    audit_record(
        actor=actor, action="pledge.create", target=pledge, agency=agency, data=_snapshot(pledge)
    )
    return pledge


@transaction.atomic
def pledge_update(*, actor, pledge: Pledge, **changes) -> Pledge:
    require(actor, Area.PLEDGES, Access.WRITE, Target(agency_id=pledge.agency_id))
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    before = _snapshot(pledge)
    current = {k: getattr(pledge, k) for k in FIELDS}
    cleaned = _clean(pledge.agency, {**current, **changes})
    for field, value in cleaned.items():
        setattr(pledge, field, value)
    measured = {k: v for k, v in before.items() if k != "published"}
    after = _snapshot(pledge)
    if measured != {k: v for k, v in after.items() if k != "published"}:
        pledge.needs_full_recompute = True
    pledge.save()
    audit_record(
        actor=actor,
        action="pledge.update",
        target=pledge,
        agency=pledge.agency,
        data={"before": before, "after": after},
    )
    return pledge


@transaction.atomic
def pledge_retire(*, actor, pledge: Pledge) -> Pledge:
    """Stop measuring and publishing a pledge; its past results stay for the record."""
    require(actor, Area.PLEDGES, Access.WRITE, Target(agency_id=pledge.agency_id))
    pledge.is_active = False
    pledge.is_published = False
    pledge.save(update_fields=["is_active", "is_published", "updated_at"])
    audit_record(actor=actor, action="pledge.retire", target=pledge, agency=pledge.agency)
    return pledge
