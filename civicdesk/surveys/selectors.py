"""Reads for surveys, always scoped to what the user may see (Area.SURVEYS)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from civicdesk.organisations.permissions import Access, Area, scope_queryset
from civicdesk.pledges.metrics import channel_label
from civicdesk.surveys.evaluation import Evaluation, evaluate, score_mean, shown
from civicdesk.surveys.models import (
    Answer,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Source,
    Suggestion,
    SurveyPolicy,
)
from civicdesk.surveys.stats import Estimate, csat_estimate, mean_estimate, nps_estimate
from civicdesk.surveys.themes import top_terms

# dimension -> (the id the rows group by, the label shown)
DIMENSIONS: dict[str, tuple[str, str]] = {
    "site": ("site_id", "site__name"),
    "service": ("service_key", "service_name"),
    "department": ("department_id", "department__name"),
    "officer": ("officer_id", "officer__display_name"),
    "channel": ("channel", "channel"),
    "month": ("month", "month"),
}


def responses_for(user) -> QuerySet[Response]:
    return scope_queryset(
        user,
        Area.SURVEYS,
        Access.READ,
        Response.objects.all(),
        department_field="department_id",
        site_field="site_id",
    )


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    site_id: int | None = None
    department_id: int | None = None
    officer_id: int | None = None
    service_key: str = ""
    channel: str = ""

    def apply(self, queryset: QuerySet[Response]) -> QuerySet[Response]:
        if self.date_from:
            queryset = queryset.filter(answered_at__gte=_start(self.date_from))
        if self.date_to:
            queryset = queryset.filter(answered_at__lt=_start(self.date_to + timedelta(days=1)))
        for name in ("site_id", "department_id", "officer_id", "service_key", "channel"):
            value = getattr(self, name)
            if value:
                queryset = queryset.filter(**{name: value})
        return queryset


@dataclass(frozen=True)
class ResultRow:
    key: object
    label: str
    n: int
    csat: Estimate
    nps: Estimate
    ces: Estimate


def _aggregates():
    return {
        "n": Count("id"),
        "csat_n": Count("csat"),
        "csat_ok": Count("id", filter=Q(csat__gte=4)),
        "nps_n": Count("nps"),
        "promoters": Count("id", filter=Q(nps__gte=9)),
        "detractors": Count("id", filter=Q(nps__lte=6)),
        "ces_n": Count("ces"),
        "ces_sum": Sum("ces"),
        "ces_squares": Sum(F("ces") * F("ces")),
    }


def _row(key, label, values: dict) -> ResultRow:
    return ResultRow(
        key=key,
        label=label,
        n=values["n"],
        csat=csat_estimate(values["csat_ok"], values["csat_n"]),
        nps=nps_estimate(values["promoters"], values["detractors"], values["nps_n"]),
        ces=mean_estimate(values["ces_sum"] or 0, values["ces_squares"] or 0, values["ces_n"]),
    )


def results_overall(user, filters: Filters) -> ResultRow:
    return scores_in(filters.apply(responses_for(user)))


def scores_in(queryset: QuerySet[Response]) -> ResultRow:
    """CSAT/NPS/CES with intervals over any responses: what pledges measure achievement with,
    e.g. `scores_in(Response.objects.filter(site=site, answered_at__range=(a, b)))`."""
    return _row(None, "", queryset.aggregate(**_aggregates()))


@dataclass(frozen=True)
class SiteAnswers:
    """The raw scores of the responses at some sites in [start, end): one sample, from which a
    report's table figures and its before/after tests are both computed."""

    responses: int
    raw: dict[str, list[int]]  # metric -> the answers' scores (csat 1-5, nps 0-10, ces 1-7)

    def scores(self) -> dict:
        """CSAT (% satisfied, 4 or 5 of 5) and NPS (-100..100) as shown, to one decimal."""
        return {
            "responses": self.responses,
            "csat": shown(score_mean("csat", self.raw["csat"])),
            "nps": shown(score_mean("nps", self.raw["nps"])),
        }


def site_answers(*, site_ids: list[int], start: datetime, end: datetime) -> SiteAnswers:
    rows = list(
        Response.objects.filter(
            site_id__in=site_ids, answered_at__gte=start, answered_at__lt=end
        ).values_list("csat", "nps", "ces")
    )
    return SiteAnswers(
        responses=len(rows),
        raw={
            metric: [row[i] for row in rows if row[i] is not None]
            for i, metric in enumerate(("csat", "nps", "ces"))
        },
    )


def survey_site_scores(*, site_ids: list[int], start: datetime, end: datetime) -> dict:
    """Responses at `site_ids` answered in [start, end), with CSAT (% satisfied, 4 or 5 of 5)
    and NPS (-100..100) as the dashboards and pledges give them, rounded to one decimal."""
    return site_answers(site_ids=site_ids, start=start, end=end).scores()


def results_by(user, filters: Filters, dimension: str) -> list[ResultRow]:
    """One row per site/service/department/officer/channel/month with counts and intervals."""
    return scores_by(filters.apply(responses_for(user)), dimension)


def scores_by(queryset: QuerySet[Response], dimension: str) -> list[ResultRow]:
    key_field, label_field = DIMENSIONS[dimension]
    if dimension == "month":
        queryset = queryset.annotate(month=TruncMonth("answered_at"))
        fields = ["month"]
    else:
        fields = list(dict.fromkeys([key_field, label_field]))
    rows = list(queryset.values(*fields).annotate(**_aggregates()).order_by(*fields))
    places = _places(dimension, [v[key_field] for v in rows])
    result = []
    for values in rows:
        key = values[key_field]
        if dimension == "month":
            label = timezone.localtime(key).strftime("%Y-%m") if key else ""
        elif key in places:
            label = places[key].local_name()
        elif dimension == "channel":
            label = channel_label(key or "")
        else:
            label = values[label_field] or ""
        result.append(_row(key, str(label), values))
    return result


def _sites(ids) -> dict:
    from civicdesk.organisations.models import Site

    return Site.objects.in_bulk([i for i in ids if i])


def _departments(ids) -> dict:
    from civicdesk.organisations.models import Department

    return Department.objects.in_bulk([i for i in ids if i])


def _places(dimension: str, ids) -> dict:
    """{id: site or department} for the rows of a breakdown by either (named in the reader's
    language); {} for other dimensions."""
    if dimension == "site":
        return _sites(ids)
    if dimension == "department":
        return _departments(ids)
    return {}


def filter_names(user, filters: Filters) -> dict[str, str]:
    """What each narrowing filter is called, by parameter (site, department, officer, service),
    read from the responses the user may see: a site or department in the reader's language,
    an officer by name. A value the user cannot see keeps no name."""
    visible = responses_for(user)
    names: dict[str, str] = {}
    for param, field, value in (
        ("site", "site_id", filters.site_id),
        ("department", "department_id", filters.department_id),
    ):
        place = _places(param, [value]).get(value) if value else None
        if place and visible.filter(**{field: place.pk}).exists():
            names[param] = place.local_name()
    for param, field, value in (
        ("officer", "officer_id", filters.officer_id),
        ("service", "service_key", filters.service_key),
    ):
        if value:
            label = DIMENSIONS[param][1]
            found = visible.filter(**{field: value}).values_list(label, flat=True).first()
            if found:
                names[param] = str(found)
    if filters.channel:
        names["channel"] = channel_label(filters.channel)
    return names


@dataclass(frozen=True)
class Driver:
    key: str
    text: str
    agree: Estimate  # share answering 4 or 5 of 5, as a percentage


def drivers_for(user, filters: Filters, *, language: str = "en") -> list[Driver]:
    """The A-11 driver statements (trust, need addressed, easy, ...): share who agree."""
    rows = list(
        Answer.objects.filter(
            response__in=filters.apply(responses_for(user)),
            question__kind=QuestionKind.AGREE,
            number__isnull=False,
        )
        .values("question__key")
        .annotate(n=Count("id"), agree=Count("id", filter=Q(number__gte=4)))
        .order_by("question__key")
    )
    latest: dict[str, Question] = {}
    for question in Question.objects.filter(
        key__in=[r["question__key"] for r in rows], kind=QuestionKind.AGREE
    ).order_by("version__published_at", "version_id"):
        latest[question.key] = question
    drivers = [
        Driver(
            key=r["question__key"],
            text=latest[r["question__key"]].text.get(language)
            or latest[r["question__key"]].text.get("en", r["question__key"]),
            agree=csat_estimate(r["agree"], r["n"]),
        )
        for r in rows
    ]
    return sorted(drivers, key=lambda d: latest[d.key].position)


def invitation_counts(user, filters: Filters) -> tuple[int, int]:
    """(invitations made, invitations answered) in the period: the response rate."""
    queryset = scope_queryset(
        user,
        Area.SURVEYS,
        Access.READ,
        Invitation.objects.exclude(source=Source.DEMO),
        department_field="department_id",
        site_field="site_id",
    )
    if filters.date_from:
        queryset = queryset.filter(created_at__gte=_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(created_at__lt=_start(filters.date_to + timedelta(days=1)))
    for name in ("site_id", "department_id", "officer_id", "service_key", "channel"):
        value = getattr(filters, name)
        if value:
            queryset = queryset.filter(**{name: value})
    counts = queryset.aggregate(sent=Count("id"), answered=Count("answered_at"))
    return counts["sent"], counts["answered"]


def policies_for(agency_ids) -> dict[int, SurveyPolicy]:
    return {p.agency_id: p for p in SurveyPolicy.objects.filter(agency_id__in=set(agency_ids))}


@dataclass(frozen=True)
class Comment:
    answered_at: datetime
    question_key: str
    question: str  # the question's text in the reader's language
    text: str
    site: str
    service: str
    officer: str  # empty unless the agency allows names beside comments
    language: str
    csat: int | None


def comments_for(
    user, filters: Filters, *, limit: int = 200, language: str = "en"
) -> list[Comment]:
    answers = (
        Answer.objects.filter(
            response__in=filters.apply(responses_for(user)), question__kind=QuestionKind.TEXT
        )
        .exclude(text="")
        .select_related("question", "response__site", "response__officer")
        .order_by("-response__answered_at")[:limit]
    )
    answers = list(answers)
    policies = policies_for(a.response.agency_id for a in answers)
    comments = []
    for answer in answers:
        response = answer.response
        policy = policies.get(response.agency_id)
        show_name = bool(policy and policy.show_officer_names and response.officer)
        comments.append(
            Comment(
                answered_at=response.answered_at,
                question_key=answer.question.key,
                question=answer.question.text.get(language)
                or answer.question.text.get("en", answer.question.key),
                text=answer.text,
                site=response.site.name if response.site else "",
                service=response.service_name,
                officer=response.officer.display_name if show_name else "",
                language=response.language,
                csat=response.csat,
            )
        )
    return comments


def themes_by_month(user, filters: Filters, *, limit: int = 10) -> list[tuple[str, int, list]]:
    """(month, comment count, [(term, count), ...]) for each month with comments, newest first."""
    texts: dict[str, list[str]] = {}
    answers = (
        Answer.objects.filter(
            response__in=filters.apply(responses_for(user)), question__kind=QuestionKind.TEXT
        )
        .exclude(text="")
        .values_list("response__answered_at", "text")
    )
    for answered_at, text in answers.iterator():
        texts.setdefault(timezone.localtime(answered_at).strftime("%Y-%m"), []).append(text)
    return [
        (month, len(items), top_terms(items, limit=limit))
        for month, items in sorted(texts.items(), reverse=True)
    ]


def evaluation_for(
    user,
    *,
    scope_field: str,
    scope_values: list,
    before: tuple[date, date],
    after: tuple[date, date],
) -> Evaluation:
    """Before/after in the chosen scope, against the rest of what the user sees (DiD)."""
    return evaluation_in(
        responses_for(user),
        scope_field=scope_field,
        scope_values=scope_values,
        before=before,
        after=after,
    )


def evaluation_in(
    visible: QuerySet[Response],
    *,
    scope_field: str,
    scope_values: list,
    before: tuple[date, date],
    after: tuple[date, date],
) -> Evaluation:
    """The same over any set of responses, e.g. `Response.objects.filter(agency=agency)` for a
    pilot programme's report (workforce), whose reader may not have a surveys grant."""
    if scope_field not in ("site_id", "service_key"):
        raise ValueError(scope_field)

    def scores(queryset, period):
        queryset = Filters(date_from=period[0], date_to=period[1]).apply(queryset)
        rows = list(queryset.values_list("csat", "nps", "ces"))
        return {
            metric: [row[i] for row in rows if row[i] is not None]
            for i, metric in enumerate(("csat", "nps", "ces"))
        }

    in_scope = visible.filter(**{f"{scope_field}__in": scope_values})
    others = visible.exclude(**{f"{scope_field}__in": scope_values})
    if scope_field == "site_id":
        others = others.exclude(site_id=None)
    else:
        others = others.exclude(service_key="")
    tb, ta = scores(in_scope, before), scores(in_scope, after)
    cb, ca = scores(others, before), scores(others, after)
    metrics = ("csat", "nps", "ces")
    return evaluate(
        {m: (tb[m], ta[m]) for m in metrics},
        {m: (cb[m], ca[m]) for m in metrics},
    )


def suggestions_for(user, *, status: str = "") -> QuerySet[Suggestion]:
    queryset = scope_queryset(
        user,
        Area.SURVEYS,
        Access.READ,
        Suggestion.objects.select_related("agency", "site", "moderated_by"),
        site_field="site_id",
    )
    return queryset.filter(status=status) if status else queryset


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation behind a survey link, whatever its state (None for an unknown link)."""
    if not token or len(token) > 64:
        return None
    return Invitation.objects.filter(token=token).only("language").first()
