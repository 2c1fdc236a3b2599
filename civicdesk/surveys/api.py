"""JSON API for surveys: results, and reading/publishing the agency's survey."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from civicdesk.core.errors import NotAllowed, ValidationFailed
from civicdesk.organisations.permissions import Access, Area, require
from civicdesk.surveys import selectors, services
from civicdesk.surveys.models import QuestionKind

router = Router(tags=["surveys"])


class EstimateOut(Schema):
    value: float | None
    low: float | None
    high: float | None
    n: int


class ResultRowOut(Schema):
    key: str | None
    label: str
    n: int
    csat: EstimateOut
    nps: EstimateOut
    ces: EstimateOut


class QuestionIn(Schema):
    key: str = Field(..., max_length=40)
    kind: QuestionKind
    text: dict[str, str]
    required: bool = False
    labels: dict[str, dict[str, str]] = {}
    choices: list[dict] = []


class SurveyIn(Schema):
    title: dict[str, str] | None = None
    intro: dict[str, str] | None = None
    questions: list[QuestionIn]


class QuestionOut(Schema):
    position: int
    key: str
    kind: str
    text: dict[str, str]
    required: bool
    labels: dict
    choices: list


class SurveyOut(Schema):
    survey_id: int
    name: str
    version: int
    published_at: str
    title: dict[str, str]
    intro: dict[str, str]
    questions: list[QuestionOut]


def _row(row: selectors.ResultRow) -> dict:
    return {
        "key": None if row.key is None else str(row.key),
        "label": row.label,
        "n": row.n,
        **{m: getattr(row, m).__dict__ for m in ("csat", "nps", "ces")},
    }


@router.get("/results", response=list[ResultRowOut])
def results(
    request: HttpRequest,
    group_by: str = "site",
    date_from: date | None = None,
    date_to: date | None = None,
):
    """CSAT %, NPS and CES with 95% intervals and counts, grouped by one dimension."""
    require(request.user, Area.SURVEYS, Access.READ)
    if group_by not in selectors.DIMENSIONS:
        raise ValidationFailed(
            _("group_by must be one of: %(names)s.") % {"names": ", ".join(selectors.DIMENSIONS)},
            field="group_by",
        )
    filters = selectors.Filters(date_from=date_from, date_to=date_to)
    return [_row(r) for r in selectors.results_by(request.user, filters, group_by)]


class ComparisonOut(Schema):
    metric: str
    n_before: int
    n_after: int
    mean_before: float | None
    mean_after: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    cohens_d: float | None
    did: float | None
    did_p_value: float | None
    n_comparison_before: int
    n_comparison_after: int
    verdict: str
    explanation: str


@router.get("/evaluation", response=list[ComparisonOut])
def evaluation(
    request: HttpRequest,
    before_from: date,
    before_to: date,
    after_from: date,
    after_to: date,
    sites: str = "",
    services_: str = Query("", alias="services"),
):
    """Before/after per score in the given sites (ids) or services (keys), comma-separated,
    with Welch's t-test, Cohen's d and difference-in-differences against the rest."""
    require(request.user, Area.SURVEYS, Access.READ)
    if bool(sites) == bool(services_):
        raise ValidationFailed(_("Give either sites or services."), field="sites")
    if before_from > before_to or after_from > after_to or after_from <= before_to:
        raise ValidationFailed(_("The after period must start after the before period ends."))
    if sites:
        try:
            values = [int(v) for v in sites.split(",") if v.strip()]
        except ValueError as exc:
            raise ValidationFailed(
                _("Sites are given by their numeric ids."), field="sites"
            ) from exc
        field = "site_id"
    else:
        values, field = [v.strip() for v in services_.split(",") if v.strip()], "service_key"
    result = selectors.evaluation_for(
        request.user,
        scope_field=field,
        scope_values=values,
        before=(before_from, before_to),
        after=(after_from, after_to),
    )
    return [c.__dict__ for c in result.comparisons]


def _agency(request: HttpRequest):
    profile = getattr(request.user, "staff_profile", None)
    if profile is None or profile.agency is None:
        raise NotAllowed(_("Use an agency staff account."))
    return profile.agency


def _survey_out(survey) -> dict:
    version = survey.current_version
    return {
        "survey_id": survey.pk,
        "name": survey.name,
        "version": version.number,
        "published_at": version.published_at.isoformat(),
        "title": version.title,
        "intro": version.intro,
        "questions": list(
            version.questions.values(
                "position", "key", "kind", "text", "required", "labels", "choices"
            )
        ),
    }


@router.get("/current", response=SurveyOut)
def current(request: HttpRequest):
    require(request.user, Area.SURVEYS, Access.READ)
    return _survey_out(services.survey_create_default(agency=_agency(request)))


@router.put("/current", response=SurveyOut)
def publish(request: HttpRequest, payload: SurveyIn):
    """Publish a new version of the agency's survey (at most 15 questions)."""
    agency = _agency(request)
    survey = services.survey_create_default(agency=agency)
    services.survey_publish(
        actor=request.user,
        survey=survey,
        title=payload.title,
        intro=payload.intro,
        questions=[q.dict() for q in payload.questions],
    )
    survey.refresh_from_db()
    return _survey_out(survey)
