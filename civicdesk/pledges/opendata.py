"""Open data: every published figure as rows with a fixed, documented schema (docs/open-data.md).

Nothing personal: no names, contacts, officers or owners; only counts and figures.
"""

from __future__ import annotations

from collections.abc import Iterator

from civicdesk.pledges.metrics import SPECS, Kind

RESULT_SCHEMA = "civicdesk-pledge-results/1"
PLEDGE_SCHEMA = "civicdesk-pledges/1"

RESULT_COLUMNS = [
    "agency",
    "pledge_id",
    "metric",
    "period",
    "period_label",
    "period_start",
    "period_end",
    "site",
    "value",
    "value_unit",
    "target",
    "met",
    "items",
    "numerator",
    "detractors",
    "is_complete",
    "computed_at",
]
PLEDGE_COLUMNS = [
    "pledge_id",
    "agency",
    "metric",
    "sentence",
    "threshold",
    "threshold_unit",
    "target",
    "value_unit",
    "period",
    "clock_start",
    "exclusions",
    "site",
    "service",
    "category",
    "channel",
    "case_kind",
]


def value_unit(metric: str) -> str:
    return {Kind.SHARE: "percent", Kind.MEAN: "minutes", Kind.P90: "minutes"}.get(
        SPECS[metric].kind, "score"
    )


def result_rows(results) -> Iterator[dict]:
    for r in results:
        metric = r.pledge.metric
        yield {
            "agency": r.pledge.agency.code,
            "pledge_id": r.pledge_id,
            "metric": metric,
            "period": r.period,
            "period_label": r.label,
            "period_start": r.period_start.isoformat(),
            "period_end": r.period_end.isoformat(),
            "site": r.site.code if r.site_id else "",
            "value": r.value,
            "value_unit": value_unit(metric),
            "target": float(r.target),
            "met": r.met,
            "items": r.count,
            "numerator": r.hits if SPECS[metric].kind in (Kind.SHARE, Kind.NPS) else None,
            "detractors": r.aux if SPECS[metric].kind == Kind.NPS else None,
            "is_complete": r.is_complete,
            "computed_at": r.computed_at.isoformat(),
        }


def pledge_rows(pledges) -> Iterator[dict]:
    for p in pledges:
        yield {
            "pledge_id": p.pk,
            "agency": p.agency.code,
            "metric": p.metric,
            "sentence": p.sentence,
            "threshold": p.threshold,
            "threshold_unit": p.unit or None,
            "target": float(p.target),
            "value_unit": value_unit(p.metric),
            "period": p.period,
            "clock_start": p.clock_start,
            "exclusions": ";".join(p.exclusions),
            "site": p.site.code if p.site_id else "",
            "service": p.service.name if p.service_id else "",
            "category": p.category.code if p.category_id else "",
            "channel": p.channel,
            "case_kind": p.case_kind,
        }
