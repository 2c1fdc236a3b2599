"""Pages: the public answering page and suggestion box; the managers' results."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError
from civicdesk.core.spreadsheets import csv_response, formula_safe
from civicdesk.organisations.models import Agency, Site
from civicdesk.organisations.permissions import Access, Area, can, require
from civicdesk.surveys import selectors, services
from civicdesk.surveys.charts import line_chart_svg
from civicdesk.surveys.forms import (
    DIMENSION_CHOICES,
    EvaluationForm,
    ModerationForm,
    PolicyForm,
    ResultsFilterForm,
    SuggestionForm,
)
from civicdesk.surveys.models import SCALES, QuestionKind, SuggestionStatus, Survey

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


# --- public ----------------------------------------------------------------------------------
def _localised(texts: dict, language: str) -> str:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def _answer_language(request: HttpRequest, invitation) -> str:
    """The person's choice on this page (cookie), else the language they were served in."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in LANGUAGE_CODES else invitation.language


def _question_rows(questions, language: str, values: dict, errors: dict) -> list[dict]:
    rows = []
    for question in questions:
        row = {
            "key": question.key,
            "kind": question.kind,
            "text": _localised(question.text, language),
            "required": question.required,
            "value": str(values.get(question.key, "")),
            "error": errors.get(question.key, ""),
            "options": [],
            "hint": "",
        }
        if question.kind in SCALES:
            low, high = SCALES[question.kind]
            row["options"] = [(str(n), str(n)) for n in range(low, high + 1)]
            labels = question.labels or {}
            if labels.get("low") and labels.get("high"):
                row["hint"] = (
                    f"{low} = {_localised(labels['low'], language)}, {high} = {_localised(labels['high'], language)}"
                )
        elif question.kind == QuestionKind.YES_NO:
            row["options"] = [("yes", _("Yes")), ("no", _("No"))]
        elif question.kind == QuestionKind.CHOICE:
            row["options"] = [
                (str(c.get("value")), _localised(c.get("label") or {}, language))
                for c in question.choices
            ]
        rows.append(row)
    return rows


@never_cache
def answer(request: HttpRequest, token: str):
    # A used or expired link is explained in the language the survey would have been in.
    known = selectors.invitation_by_token(token)
    with translation.override(
        _answer_language(request, known) if known else translation.get_language()
    ):
        try:
            invitation = services.invitation_open(token=token)
        except ApplicationError as error:
            return render(
                request, "surveys/link_problem.html", {"error": error}, status=error.status
            )
    language = _answer_language(request, invitation)
    version = invitation.version
    questions = list(version.questions.all())
    values, errors = {}, {}
    if request.method == "POST":
        values = {q.key: request.POST.get(q.key, "") for q in questions}
        # The service words its errors in the active language: the survey's, not the request's.
        with translation.override(language):
            try:
                services.response_submit(token=token, answers=values, language=language)
            except services.AnswersInvalid as invalid:
                errors = invalid.errors
            except ApplicationError as error:
                return render(
                    request, "surveys/link_problem.html", {"error": error}, status=error.status
                )
            else:
                return redirect(f"{reverse('surveys:thanks')}?lang={language}")
    with translation.override(language):
        rows = _question_rows(questions, language, values, errors)
        response = render(
            request,
            "surveys/answer.html",
            {
                "invitation": invitation,
                "title": _localised(version.title, language),
                "intro": _localised(version.intro, language),
                "questions": rows,
                "errors": [r for r in rows if r["error"]],
            },
            status=422 if errors else 200,
        )
    return response


def thanks(request: HttpRequest):
    language = request.GET.get("lang", "")
    language = language if language in LANGUAGE_CODES else translation.get_language()
    with translation.override(language):
        return render(request, "surveys/thanks.html")


def suggest(request: HttpRequest, agency_code: str, site_code: str | None = None):
    agency = get_object_or_404(Agency, code=agency_code.upper(), is_active=True)
    site = get_object_or_404(Site, agency=agency, code=site_code.upper()) if site_code else None
    kiosk = request.GET.get("kiosk") == "1" or request.POST.get("kiosk") == "1"
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.suggestion_submit(
                agency=agency,
                site=site,
                text=form.cleaned_data["text"],
                channel="kiosk" if kiosk else "web",
                language=translation.get_language(),
            )
        except ApplicationError as error:
            form.add_error("text", error.message)
        else:
            return render(
                request,
                "surveys/suggest_done.html",
                {"agency": agency, "site": site, "suggestion": suggestion, "kiosk": kiosk},
            )
    return render(
        request,
        "surveys/suggest.html",
        {"agency": agency, "site": site, "form": form, "kiosk": kiosk},
        status=422 if form.errors else 200,
    )


# --- staff -----------------------------------------------------------------------------------
def _filters(request: HttpRequest) -> tuple[ResultsFilterForm, selectors.Filters, str]:
    form = ResultsFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.Filters(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        site_id=_int(request.GET.get("site")),
        department_id=_int(request.GET.get("department")),
        officer_id=_int(request.GET.get("officer")),
        service_key=request.GET.get("service", "")[:60],
        channel=request.GET.get("channel", "")[:30],
    )
    return form, filters, data.get("group_by") or "site"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _trend_charts(rows) -> list[dict]:
    charts = []
    specs = [
        ("csat", _("CSAT: share satisfied (%)"), 0, 100),
        ("nps", _("Net Promoter Score"), -100, 100),
        ("ces", _("Customer effort (1–7, higher is easier)"), 1, 7),
    ]
    for metric, title, low, high in specs:
        points = [(row.label, getattr(row, metric).value) for row in rows]
        description = "; ".join(
            f"{label}: {value:.1f}" if value is not None else f"{label}: –"
            for label, value in points
        )
        charts.append(
            {
                "metric": metric,
                "title": title,
                "svg": line_chart_svg(
                    chart_id=f"trend-{metric}",
                    title=title,
                    description=description,
                    points=points,
                    y_min=low,
                    y_max=high,
                ),
                "rows": [(row.label, getattr(row, metric)) for row in rows],
            }
        )
    return charts


# Clicking a row narrows to it and shows the next level down.
DRILL = {
    "site": ("site", "officer"),
    "department": ("department", "officer"),
    "service": ("service", "site"),
    "channel": ("channel", "site"),
    "officer": ("officer", "month"),
}
FILTER_PARAMS = ("site", "department", "officer", "service", "channel")


def _drill_url(request: HttpRequest, group_by: str, key) -> str:
    if group_by not in DRILL or key in (None, ""):
        return ""
    param, next_level = DRILL[group_by]
    query = request.GET.copy()
    query[param] = str(key)
    query["group_by"] = next_level
    return "?" + query.urlencode()


@login_required
def results(request: HttpRequest):
    require(request.user, Area.SURVEYS, Access.READ)
    form, filters, group_by = _filters(request)
    rows = selectors.results_by(request.user, filters, group_by)
    active = [(p, request.GET[p]) for p in FILTER_PARAMS if request.GET.get(p)]
    names = selectors.filter_names(request.user, filters)
    labels = dict(DIMENSION_CHOICES)
    narrowed = [(labels[p], names.get(p, value)) for p, value in active]
    sent, answered = selectors.invitation_counts(request.user, filters)
    context = {
        "form": form,
        "group_by": group_by,
        "overall": selectors.results_overall(request.user, filters),
        "rows": [(row, _drill_url(request, group_by, row.key)) for row in rows],
        "drivers": selectors.drivers_for(
            request.user, filters, language=translation.get_language()
        ),
        "active_filters": narrowed,
        "invitations_sent": sent,
        "invitations_answered": answered,
        "response_rate": round(100 * answered / sent) if sent else None,
        "hidden_filters": active,
        "charts": _trend_charts(selectors.results_by(request.user, filters, "month")),
        "query": request.GET.urlencode(),
        "can_write": can(request.user, Area.SURVEYS, Access.WRITE),
    }
    return render(request, "surveys/results.html", context)


@login_required
def comments(request: HttpRequest):
    require(request.user, Area.SURVEYS, Access.READ)
    form, filters, _group = _filters(request)
    active = [(p, request.GET[p]) for p in FILTER_PARAMS if request.GET.get(p)]
    return render(
        request,
        "surveys/comments.html",
        {
            "form": form,
            "hidden_filters": active,
            "comments": selectors.comments_for(
                request.user, filters, language=translation.get_language()
            ),
            "themes": selectors.themes_by_month(request.user, filters),
        },
    )


@login_required
def export_csv(request: HttpRequest):
    require(request.user, Area.SURVEYS, Access.READ)
    _form, filters, _group = _filters(request)
    queryset = (
        filters.apply(selectors.responses_for(request.user))
        .select_related("site", "department", "officer", "agency")
        .prefetch_related("answers__question")
        .order_by("answered_at")
    )
    response = csv_response("survey-responses.csv", for_excel=True)  # Chinese comments
    writer = csv.writer(response)
    writer.writerow(
        [
            "answered_at", "agency", "site", "department", "officer", "service_key",
            "service_name", "case_kind", "channel", "language", "survey_version", "csat", "nps",
            "ces", "answers",
        ]
    )  # fmt: skip
    showing_names = {
        agency_id
        for agency_id, policy in selectors.policies_for(
            queryset.values_list("agency_id", flat=True).distinct()
        ).items()
        if policy.show_officer_names
    }
    for r in queryset.iterator(chunk_size=500):
        show_officer = r.agency_id in showing_names
        answers = "; ".join(
            f"{a.question.key}={a.number if a.number is not None else a.text}"
            for a in sorted(r.answers.all(), key=lambda a: a.question.position)
        )
        writer.writerow(
            [
                r.answered_at.isoformat(),
                r.agency.code,
                r.site.code if r.site else "",
                r.department.code if r.department else "",
                r.officer.display_name if (r.officer and show_officer) else "",
                r.service_key,
                r.service_name,
                r.case_kind,
                r.channel,
                r.language,
                r.version_id,
                "" if r.csat is None else r.csat,
                "" if r.nps is None else r.nps,
                "" if r.ces is None else r.ces,
                formula_safe(answers),
            ]
        )
    return response


def _scope_choices(user, scope_type: str) -> list[tuple[str, str]]:
    visible = selectors.responses_for(user)
    if scope_type == "service":
        pairs = visible.exclude(service_key="").values_list("service_key", "service_name")
    else:
        ids = visible.exclude(site_id=None).values_list("site_id", flat=True).distinct()
        sites = Site.objects.in_bulk(list(ids))
        return sorted(((str(k), s.local_name()) for k, s in sites.items()), key=lambda p: p[1])
    return sorted({(str(k), str(v or k)) for k, v in pairs.distinct()}, key=lambda p: p[1])


def _default_periods() -> dict:
    """Suggest the last 60 days against the 60 before them."""
    today = timezone.localtime(now()).date()
    return {
        "before_from": today - timedelta(days=120),
        "before_to": today - timedelta(days=61),
        "after_from": today - timedelta(days=60),
        "after_to": today,
    }


@login_required
def evaluate(request: HttpRequest):
    require(request.user, Area.SURVEYS, Access.READ)
    scope_type = request.GET.get("scope_type", "site")
    scope_type = scope_type if scope_type in ("site", "service") else "site"
    form = EvaluationForm(
        request.GET if "scopes" in request.GET else None,
        scope_choices=_scope_choices(request.user, scope_type),
        initial={"scope_type": scope_type, **_default_periods()},
    )
    evaluation = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        values = data["scopes"]
        if scope_type == "site":
            values = [int(v) for v in values]
        evaluation = selectors.evaluation_for(
            request.user,
            scope_field="site_id" if scope_type == "site" else "service_key",
            scope_values=values,
            before=(data["before_from"], data["before_to"]),
            after=(data["after_from"], data["after_to"]),
        )
    return render(
        request,
        "surveys/evaluate.html",
        {"form": form, "evaluation": evaluation, "scope_type": scope_type},
    )


@login_required
def suggestions(request: HttpRequest):
    require(request.user, Area.SURVEYS, Access.READ)
    status = request.GET.get("status", SuggestionStatus.PENDING)
    status = status if status in SuggestionStatus.values else ""
    return render(
        request,
        "surveys/suggestions.html",
        {
            "suggestions": selectors.suggestions_for(request.user, status=status)[:200],
            "status": status,
            "statuses": SuggestionStatus.choices,
            "can_write": can(request.user, Area.SURVEYS, Access.WRITE),
        },
    )


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int):
    suggestion = get_object_or_404(selectors.suggestions_for(request.user), pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject."))
        return redirect("surveys:suggestions")
    try:
        services.suggestion_moderate(
            actor=request.user,
            suggestion=suggestion,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Suggestion %(ref)s updated.") % {"ref": suggestion.reference})
    return redirect("surveys:suggestions")


@login_required
def definition(request: HttpRequest):
    require(request.user, Area.SURVEYS, Access.READ)
    profile = request.user.staff_profile
    agency = profile.agency
    if agency is None:
        raise ApplicationError(_("Choose an agency's staff account to see its survey."))
    survey = services.survey_create_default(agency=agency)
    policy = services.survey_policy_for(agency)
    may_write = can(request.user, Area.SURVEYS, Access.WRITE, None)
    policy_form = PolicyForm(request.POST or None, instance=policy) if may_write else None
    if request.method == "POST" and may_write and policy_form.is_valid():
        services.survey_policy_update(
            actor=request.user,
            agency=agency,
            **{name: policy_form.cleaned_data[name] for name in policy_form.Meta.fields},
        )
        messages.success(request, _("Survey settings saved."))
        return redirect("surveys:definition")
    versions = survey.versions.order_by("-number")
    return render(
        request,
        "surveys/definition.html",
        {
            "survey": survey,
            "version": survey.current_version,
            "questions": survey.current_version.questions.all(),
            "versions": versions,
            "policy_form": policy_form,
            "surveys": Survey.objects.filter(agency=agency),
        },
    )


@login_required
def edit_survey(request: HttpRequest):
    """Edit questions and translations; saving publishes a new version (old answers unchanged)."""
    from civicdesk.surveys import editor

    profile = request.user.staff_profile
    if profile.agency is None:
        raise ApplicationError(_("Choose an agency's staff account to edit its survey."))
    require(request.user, Area.SURVEYS, Access.WRITE)
    survey = services.survey_create_default(agency=profile.agency)
    error = ""
    if request.method == "POST":
        rows = editor.rows_from_post(request.POST)
        try:
            version = services.survey_publish(
                actor=request.user,
                survey=survey,
                questions=editor.specs_from_rows(rows, survey.current_version),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("Version %(n)d published. Answers already given keep their meaning.")
                % {"n": version.number},
            )
            return redirect("surveys:definition")
    else:
        rows = editor.rows_from_version(survey.current_version)
    return render(
        request,
        "surveys/edit.html",
        {
            "survey": survey,
            "rows": rows,
            "languages": settings.LANGUAGES,
            "kinds": editor.kind_choices(),
            "error": error,
        },
        status=422 if error else 200,
    )
