"""Citizen pages: report (works without JavaScript), confirmation, tracking, adding information."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civicdesk.cases.forms import CitizenAddForm, PublicCaseForm, TrackForm
from civicdesk.cases.models import Case, CaseStatus, TrackAttempt
from civicdesk.cases.selectors import (
    REFERENCE_RE,
    case_find_for_citizen,
    case_merged_root,
    citizen_attachment,
    citizen_conversation,
)
from civicdesk.cases.services import case_citizen_add, case_create
from civicdesk.cases.services.work import can_reopen
from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError
from civicdesk.core.zones import render_in_zone

SESSION_KEY = "cases_tracked"


def _remember(request: HttpRequest, reference: str) -> None:
    tracked = set(request.session.get(SESSION_KEY, []))
    tracked.add(reference)
    request.session[SESSION_KEY] = sorted(tracked)[-20:]


def _tracked_case(request: HttpRequest, reference: str) -> Case | None:
    """Only a browser that proved reference + contact (or filed the case) may see it; None
    for any other (`_prove_first` sends it to the tracking form)."""
    if reference not in request.session.get(SESSION_KEY, []):
        return None
    case = (
        Case.objects.select_related("agency", "merged_into__agency", "category")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404
    return case


def _prove_first(reference: str):
    """A saved link to a case, opened in a browser that has not proved the contact (another
    device, a new session): the tracking form, the reference filled in. The same answer for
    a reference that names no case, so the link does not tell which references exist."""
    shown = reference.strip().upper()[:30]
    return redirect(f"{reverse('cases:track')}?{urlencode({'reference': shown})}")


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest):
    language = get_language() or "en"
    form = PublicCaseForm(request.POST or None, request.FILES or None, language=language)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency, category = data["topic"]
        try:
            case = case_create(
                agency=agency,
                category=category,
                kind=data["kind"],
                channel="web",
                description=data["description"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                attachments=data["attachments"],
                language=language,
                idempotency_key=_form_token(request),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            form.ask_files_again()
        else:
            # A resubmitted form finds its first case; anything else must not reveal one.
            if case.created or case.description == data["description"].strip():
                _remember(request, case.reference)
                return redirect("cases:submitted", reference=case.reference)
            form.add_error(None, _("Something went wrong. Please send the form again."))
    token = request.POST.get("form_token") or secrets.token_urlsafe(24)
    return render(request, "cases/report.html", {"form": form, "form_token": token})


def _form_token(request: HttpRequest) -> str | None:
    """A double click or a resubmitted form posts the same token: one case."""
    token = (request.POST.get("form_token") or "").strip()[:64]
    return f"web:{token}" if token else None


def submitted(request: HttpRequest, reference: str):
    case = _tracked_case(request, reference)
    if case is None:
        return _prove_first(reference)
    return render_in_zone(case.agency, request, "cases/submitted.html", {"case": case})


def _client(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest):
    form = TrackForm(request.POST or None, initial={"reference": request.GET.get("reference", "")})
    limited = False
    if request.method == "POST" and form.is_valid():
        client = _client(request)
        hour_ago = now() - timedelta(hours=1)
        failures = TrackAttempt.objects.filter(client=client, at__gte=hour_ago).count()
        limited = failures >= settings.CIVICDESK_CASE_TRACK_ATTEMPTS_PER_HOUR
        case = (
            None
            if limited
            else case_find_for_citizen(
                reference=form.cleaned_data["reference"], contact=form.cleaned_data["contact"]
            )
        )
        if case is not None:
            _remember(request, case.reference)
            return redirect("cases:tracked", reference=case.reference)
        if not limited:
            TrackAttempt.objects.create(client=client)
            form.add_error(
                None,
                _(
                    "We could not find a case with that reference and contact. Check both and try again."
                ),
            )
    status = 429 if limited else 200
    context = {"form": form, "limited": limited}
    if limited:
        context["agencies"] = _agencies_to_contact(request.POST.get("reference", ""))
    return render(request, "cases/track.html", context, status=status)


def _agencies_to_contact(reference: str) -> list:
    """Who a locked-out citizen can ask instead: the agency their reference names (its code
    starts every reference), or, when it names none, every agency."""
    from civicdesk.organisations.selectors import agency_list_public

    agencies = agency_list_public().exclude(email="", website="")
    match = REFERENCE_RE.search((reference or "").strip().upper())
    if match:
        named = list(agencies.filter(code=match.group(1).split("-", 1)[0]))
        if named:
            return named
    return list(agencies)


@require_http_methods(["GET", "POST"])
def tracked(request: HttpRequest, reference: str):
    """The citizen's case, or the case it was merged into: only their own part of it."""
    case = _tracked_case(request, reference)
    if case is None:
        return _prove_first(reference)
    shown = case_merged_root(case)
    form = CitizenAddForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_citizen_add(
                case=case,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            form.ask_files_again()
        else:
            from django.contrib import messages

            messages.success(request, _("Thank you. We have added this to your case."))
            return redirect("cases:tracked", reference=reference)
    conversation = citizen_conversation(case=case, shown=shown)
    return render_in_zone(
        shown.agency,
        request,
        "cases/tracked.html",
        {
            "case": case,
            "shown": shown,
            "conversation": conversation,
            "form": form,
            # Closed, or resolved longer ago than the reopen window: a message would be refused.
            "accepts_messages": shown.status != CaseStatus.CLOSED and can_reopen(shown),
        },
    )


def tracked_attachment(request: HttpRequest, reference: str, attachment_id: int):
    """A file on a message the citizen can see on the tracking page (theirs, or one we sent
    them). Files on internal notes, and another citizen's files on a case theirs was merged
    with, are never served here; every file downloads, none opens inline."""
    case = _tracked_case(request, reference)
    if case is None:
        return _prove_first(reference)
    item = citizen_attachment(case=case, shown=case_merged_root(case), attachment_id=attachment_id)
    if item is None:
        raise Http404
    from civicdesk.cases.views.staff import attachment_response

    return attachment_response(item, download=True)
