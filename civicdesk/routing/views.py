"""Staff pages: the versions of an agency's routing model, their evaluation, and a try-out form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.core.errors import ApplicationError, NotAllowed, NotFound
from civicdesk.organisations.models import Agency
from civicdesk.organisations.permissions import Access, Area, Target, can
from civicdesk.routing.forms import PolicyForm, TryForm
from civicdesk.routing.models import ModelVersion
from civicdesk.routing.selectors import model_versions_for, routing_scopes_for
from civicdesk.routing.services import (
    model_version_promote,
    model_version_request,
    model_version_rollback,
    routing_policy_for,
    routing_policy_update,
)
from civicdesk.routing.suggestions import routing_suggest

FRONT_DOOR = "front-door"


def _scope(request: HttpRequest) -> Agency | None:
    """The agency whose routing is shown: ?scope=CODE, front-door, or the user's own."""
    scopes = routing_scopes_for(request.user)
    if not scopes:
        raise NotAllowed(
            _("Routing is for quality service managers, agency admins and executives.")
        )
    wanted = (request.POST.get("scope") or request.GET.get("scope") or "").strip()
    if not wanted:
        return scopes[0]
    for scope in scopes:
        if (scope is None and wanted == FRONT_DOOR) or (scope is not None and scope.code == wanted):
            return scope
    raise NotFound(_("There is no routing you may see for %(scope)s.") % {"scope": wanted[:20]})


def _scope_param(agency: Agency | None) -> str:
    return agency.code if agency else FRONT_DOOR


def _can_manage(user, agency: Agency | None) -> bool:
    return can(user, Area.CASES, Access.WRITE, Target(agency_id=agency.pk if agency else None))


def _home_url(agency: Agency | None) -> str:
    return f"{reverse('routing:home')}?scope={_scope_param(agency)}"


def _versions_context(request: HttpRequest, agency: Agency | None) -> dict:
    versions = list(model_versions_for(request.user, agency=agency)[:50])
    return {
        "versions": versions,
        "running": any(v.is_running for v in versions),
        "serving": next((v for v in versions if v.is_active), None),
        "scope": agency,
        "scope_param": _scope_param(agency),
        "can_manage": _can_manage(request.user, agency),
    }


@login_required
def home(request: HttpRequest):
    agency = _scope(request)
    policy = routing_policy_for(agency)
    context = _versions_context(request, agency)
    context.update(
        {
            "scopes": [(_scope_param(s), s) for s in routing_scopes_for(request.user)],
            "policy": policy,
            "policy_form": PolicyForm(
                initial={
                    "precision_target": round(policy.precision_target * 100),
                    "auto_promote": policy.auto_promote,
                    "retrain_every_days": policy.retrain_every_days,
                }
            ),
        }
    )
    return render(request, "routing/home.html", context)


@login_required
def versions_partial(request: HttpRequest):
    """The versions table alone: polled while a training runs."""
    agency = _scope(request)
    return render(request, "routing/_versions.html", _versions_context(request, agency))


@login_required
def version_detail(request: HttpRequest, pk: int):
    version = ModelVersion.objects.select_related("agency").defer("artifact").filter(pk=pk).first()
    if version is None or version.agency not in routing_scopes_for(request.user):
        raise NotFound()
    evaluation = version.evaluation or {}
    labels = evaluation.get("labels", [])
    matrix = evaluation.get("confusion", [])
    rows = [
        {"label": label, "cells": matrix[i] if i < len(matrix) else [], "total": sum(matrix[i])}
        for i, label in enumerate(labels)
        if i < len(matrix)
    ]
    bar_width = 300
    per_label = [
        {
            **item,
            "precision_pct": round(item["precision"] * 100, 1),
            "recall_pct": round(item["recall"] * 100, 1),
            "precision_px": round(item["precision"] * bar_width, 1),
            "recall_px": round(item["recall"] * bar_width, 1),
            "y": 34 * i,
        }
        for i, item in enumerate(evaluation.get("per_label", []))
    ]
    context = {
        "version": version,
        "evaluation": evaluation,
        "labels": labels,
        "rows": rows,
        "per_label": per_label,
        "chart_height": 34 * len(per_label) + 10,
        "chart_width": bar_width + 170,
        "bar_width": bar_width,
        "scope_param": _scope_param(version.agency),
        "can_manage": _can_manage(request.user, version.agency),
    }
    return render(request, "routing/version.html", context)


def _run(request: HttpRequest, agency: Agency | None, action) -> None:
    try:
        message = action()
    except ApplicationError as exc:
        if isinstance(exc, NotAllowed):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, message)


@login_required
@require_POST
def train(request: HttpRequest):
    agency = _scope(request)

    def action():
        version = model_version_request(actor=request.user, agency=agency)
        return _("Version %(n)s is queued for training.") % {"n": version.number}

    _run(request, agency, action)
    return redirect(_home_url(agency))


@login_required
@require_POST
def promote(request: HttpRequest, pk: int):
    version = ModelVersion.objects.select_related("agency").defer("artifact").filter(pk=pk).first()
    if version is None or version.agency not in routing_scopes_for(request.user):
        raise NotFound()

    def action():
        model_version_promote(actor=request.user, version=version)
        return _("Version %(n)s now serves suggestions.") % {"n": version.number}

    _run(request, version.agency, action)
    return redirect(_home_url(version.agency))


@login_required
@require_POST
def rollback(request: HttpRequest):
    agency = _scope(request)

    def action():
        version = model_version_rollback(actor=request.user, agency=agency)
        return _("Rolled back: version %(n)s serves suggestions again.") % {"n": version.number}

    _run(request, agency, action)
    return redirect(_home_url(agency))


@login_required
def policy(request: HttpRequest):
    agency = _scope(request)
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        routing_policy_update(
            actor=request.user,
            agency=agency,
            precision_target=form.cleaned_data["precision_target"] / 100,
            auto_promote=form.cleaned_data["auto_promote"],
            retrain_every_days=form.cleaned_data["retrain_every_days"],
        )
        messages.success(request, _("Routing settings saved. The next training uses them."))
        return redirect(_home_url(agency))
    if not _can_manage(request.user, agency):
        raise NotAllowed()
    context = _versions_context(request, agency)
    context.update({"policy_form": form, "scopes": [], "policy": routing_policy_for(agency)})
    return render(request, "routing/home.html", context, status=200 if not form.errors else 422)


@login_required
def try_suggest(request: HttpRequest):
    agency = _scope(request)
    form = TryForm(request.POST or None)
    suggestion = None
    if request.method == "POST" and form.is_valid():
        suggestion = routing_suggest(
            agency=agency,
            text=form.cleaned_data["text"],
            kind=form.cleaned_data["kind"],
            channel=form.cleaned_data["channel"],
        )
    return render(
        request,
        "routing/try.html",
        {
            "form": form,
            "suggestion": suggestion,
            "scope": agency,
            "scope_param": _scope_param(agency),
        },
    )
