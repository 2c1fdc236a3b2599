"""Staff pages: the queue, the case page and its actions, assisted intake, the QSM's dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from civicdesk.cases import selectors, services
from civicdesk.cases.forms import (
    AbsenceForm,
    AssignForm,
    AssistedCaseForm,
    MergeForm,
    NotDuplicateForm,
    NoteForm,
    PartForm,
    ReferForm,
    ReplyForm,
    StatusForm,
    TransferForm,
)
from civicdesk.cases.models import (
    CaseStatus,
    Category,
    Kind,
    MessageKind,
    OfficerAbsence,
    staff_status_choices,
)
from civicdesk.cases.services.common import history_shown
from civicdesk.cases.services.work import can_reopen, reopen_window
from civicdesk.cases.workflows import CASE_WORKFLOW
from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from civicdesk.core.zones import render_in_zone, zone_of
from civicdesk.organisations.models import StaffProfile
from civicdesk.organisations.permissions import Access, Area, Scope, scope_for


def _require_cases(request: HttpRequest) -> None:
    if scope_for(request.user, Area.CASES, Access.READ) is Scope.NONE:
        raise Http404


@login_required
def queue(request: HttpRequest):
    _require_cases(request)
    filters = {
        "status": request.GET.get("status", "open"),
        "kind": request.GET.get("kind", ""),
        "category": request.GET.get("category", ""),
        "due": request.GET.get("due", ""),
        "query": request.GET.get("q", "")[:200],
        "mine": request.GET.get("mine") == "1",
        "sort": request.GET.get("sort", selectors.SORT_DUE),
    }
    if filters["sort"] not in selectors.QUEUE_SORTS:
        filters["sort"] = selectors.SORT_DUE
    cases = selectors.case_list(user=request.user, **filters)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    profile = request.user.staff_profile
    categories = Category.objects.filter(is_active=True)
    if profile.agency_id:
        categories = categories.filter(agency_id=profile.agency_id)
    context = {
        "page": page,
        "filters": filters,
        "statuses": [("open", _("All open")), *staff_status_choices(), ("", _("Any status"))],
        "kinds": Kind.choices,
        "sorts": [
            (selectors.SORT_DUE, _("Next due first")),
            (selectors.SORT_NEWEST, _("Newest first")),
            (selectors.SORT_OLDEST, _("Oldest first")),
            (selectors.SORT_PRIORITY, _("Highest priority first")),
        ],
        "categories": [(c.code, c.local_name()) for c in categories],
        "now": now(),
        "is_qsm": scope_for(request.user, Area.CASES, Access.READ) >= Scope.AGENCY,
        "can_see_absences": scope_for(request.user, Area.WORKFORCE, Access.READ) > Scope.NONE,
    }
    return render(request, "cases/staff/queue.html", context)


@login_required
def absences(request: HttpRequest):
    """Officers away: who is away when, and recording or removing an absence."""
    if scope_for(request.user, Area.WORKFORCE, Access.READ) is Scope.NONE:
        raise Http404
    writable = list(services.absence_staff(request.user, Access.WRITE))
    form = AbsenceForm(request.POST or None, staff=writable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((s for s in writable if str(s.pk) == data["staff"]), None)
        try:
            if chosen is None:
                raise NotFound(_("That officer is not one whose absences you record."))
            services.absence_add(actor=request.user, staff=chosen, starts_on=data["starts_on"],
                                 ends_on=data["ends_on"], reason=data["reason"])  # fmt: skip
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Recorded: %(name)s is away from %(start)s to %(end)s.")
                             % {"name": chosen.display_name, "start": data["starts_on"],
                                "end": data["ends_on"]})  # fmt: skip
            return redirect("cases:staff_absences")
    agency = request.user.staff_profile.agency
    today = localdate(now(), zone_of(agency)) if agency is not None else localdate(now())
    writable_ids = {s.pk for s in writable}
    rows = [
        (absence, absence.staff_id in writable_ids, absence.starts_on <= today <= absence.ends_on)
        for absence in services.absences_visible(request.user, today=today)
    ]
    return render(request, "cases/staff/absences.html",
                  {"form": form, "rows": rows, "can_write": bool(writable), "today": today})  # fmt: skip


@login_required
@require_POST
def absence_remove(request: HttpRequest, absence_id: int):
    absence = (
        OfficerAbsence.objects.select_related("staff", "staff__agency")
        .filter(pk=absence_id, staff__in=services.absence_staff(request.user, Access.READ))
        .first()
    )
    if absence is None:
        raise Http404
    try:
        services.absence_remove(actor=request.user, absence=absence)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed the absence of %(name)s from %(start)s to %(end)s.")
                         % {"name": absence.staff.display_name, "start": absence.starts_on,
                            "end": absence.ends_on})  # fmt: skip
    return redirect("cases:staff_absences")


@login_required
def dashboard(request: HttpRequest):
    scope = scope_for(request.user, Area.CASES, Access.READ)
    if scope < Scope.AGENCY:
        # The QSM's oversight of the agency (DESIGN: roles). A team lead reads the same lists
        # for her teams in the case list, filtered by service standard.
        if scope is Scope.NONE:
            raise NotAllowed(_("The quality dashboard is for quality service managers, agency admins and executives."))  # fmt: skip
        raise NotAllowed(_("The quality dashboard is for quality service managers, agency admins and executives. For your teams' cases, filter the case list by service standard: due within a day, or breached."))  # fmt: skip
    return render(
        request,
        "cases/staff/dashboard.html",
        {**selectors.qsm_dashboard(user=request.user), "now": now()},
    )


@login_required
def assisted(request: HttpRequest):
    _require_cases(request)
    form = AssistedCaseForm(request.POST or None, request.FILES or None,
                            language=request.LANGUAGE_CODE)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency, category = data["topic"]
        try:
            case = services.case_create(
                agency=agency,
                category=category,
                kind=data["kind"],
                channel=data["channel"],
                description=data["description"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                attachments=data["attachments"],
                language=data["language"],
                priority=data["priority"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Case %(ref)s logged. Tell the citizen their reference.")
                             % {"ref": case.reference})  # fmt: skip
            return redirect("cases:staff_case", reference=case.reference)
    return render(request, "cases/staff/assisted.html", {"form": form})


def _case(request: HttpRequest, reference: str):
    _require_cases(request)
    try:
        return selectors.case_get(user=request.user, reference=reference)
    except NotFound as exc:
        raise Http404 from exc


def _ids(action: str) -> str:
    """Each action form on the case page gets its own element ids (labels must find them)."""
    return f"{action}-%s"


def _next_statuses(case) -> list[tuple[str, str]]:
    """The statuses the case can move to now, as staff call them (reopening says so)."""
    allowed = set(CASE_WORKFLOW.allowed(case.status))
    if not case.is_open and not can_reopen(case):
        allowed.discard(CaseStatus.IN_PROGRESS)
    return [
        (value, _("Reopen: back in progress") if value == CaseStatus.IN_PROGRESS and not case.is_open
         else label)
        for value, label in staff_status_choices(allowed)
    ]  # fmt: skip


def _actions_offered(case) -> set[str]:
    """What the case page offers: the actions the case's state allows. A merged case offers
    none (work goes on the case it was merged into); a finished case offers notes, a change of
    status (close, reopen) and, while only resolved, a reply. The services check again."""
    if case.merged_into_id is not None:
        return set()
    offered = {"note"}
    if _next_statuses(case):
        offered.add("status")
    if case.is_open:
        offered |= {"assign", "transfer", "merge", "refer"}
        if case.possible_duplicate_of_id:
            offered.add("not_duplicate")
        if case.coordinating_case_id is None:
            offered.add("part")
    if case.status != CaseStatus.CLOSED and case.coordinating_case_id is None:
        offered.add("reply")
    return offered


def _status_form(form: StatusForm, case) -> StatusForm:
    form.fields["status"].choices = _next_statuses(case)
    return form


@login_required
def case_page(request: HttpRequest, reference: str, forms: dict | None = None):
    case = _case(request, reference)
    related = selectors.case_detail_related(case)
    # Not "messages": that name belongs to django.contrib.messages in the layout.
    related["conversation"] = related.pop("messages")
    for event in related["events"]:
        event.shown_actor, event.shown_text = history_shown(event)
    receipt = _automatic_receipt(case, related["conversation"])
    can_write = selectors.case_can_write(request.user, case)
    forms = forms or {}
    actions = _actions_offered(case) if can_write else set()
    context = {
        "case": case,
        **related,
        "can_write": can_write,
        "actions": actions,
        # An action the page no longer offers has no form to show its error beside.
        "refused": [
            error
            for name, form in forms.items()
            if name not in actions
            for error in form.non_field_errors()
        ],
        "reopenable": can_reopen(case),
        "receipt": receipt,
        "reopen_days": reopen_window().days,
        "has_errors": bool(forms),
        "now": now(),
        "next_statuses": _next_statuses(case),
        "reply_form": forms.get("reply") or ReplyForm(case=case, auto_id=_ids("reply")),
        "note_form": forms.get("note") or NoteForm(auto_id=_ids("note")),
        "status_form": forms.get("status")
        or _status_form(StatusForm(auto_id=_ids("status")), case),
        "assign_form": forms.get("assign") or AssignForm(case=case, auto_id=_ids("assign")),
        "transfer_form": forms.get("transfer") or TransferForm(case=case, auto_id=_ids("transfer")),
        "merge_form": forms.get("merge")
        or MergeForm(
            auto_id=_ids("merge"),
            initial={"into": case.possible_duplicate_of.reference}
            if case.possible_duplicate_of_id
            else None,
        ),
        "not_duplicate_form": forms.get("not_duplicate")
        or NotDuplicateForm(auto_id=_ids("not_duplicate")),
        "part_form": forms.get("part") or PartForm(case=case, auto_id=_ids("part")),
        "refer_form": forms.get("refer") or ReferForm(auto_id=_ids("refer")),
    }
    if can_write and case.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        context.update(_routing_help(case))
    status = 422 if forms else 200
    return render_in_zone(case.agency, request, "cases/staff/case.html", context, status=status)


def _automatic_receipt(case, conversation):
    """The receipt intake sent the citizen by itself (the one message to her no person wrote).
    It is not the standard's acknowledgement, which is personal: an officer's reply, or the
    case moved on from New (`case_transition`). The clock panel says so beside the due time."""
    return next(
        (
            m
            for m in conversation
            if m.kind == MessageKind.TO_CITIZEN
            and m.author_id is None
            and m.original_reference in ("", case.reference)
        ),
        None,
    )


def _routing_help(case) -> dict:
    """Where the routing model would send this case, and similar resolved cases with replies."""
    from civicdesk.routing.suggestions import routing_suggest, similar_cases

    text = f"{case.subject}\n{case.description}"
    suggestion = routing_suggest(
        agency=case.agency,
        text=text,
        kind=case.kind,
        channel=case.channel,
        category_hint=case.category.code if case.category_id else "",
    )
    similar = similar_cases(agency=case.agency, text=text, limit=3, corpus_limit=500)
    return {
        "routing": suggestion,
        "similar": [s for s in similar if s.document.key != case.reference],
    }


@login_required
def attachment(request: HttpRequest, reference: str, attachment_id: int):
    """Staff download an attachment of a case they may read (media is never served publicly)."""
    case = _case(request, reference)
    item = case.attachments.filter(pk=attachment_id).first()
    if item is None:
        raise Http404
    return attachment_response(item, download=False)


def attachment_response(item, *, download: bool) -> FileResponse:
    """A case file as its stored type, never sniffed; `download`: saved, not opened inline."""
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(download, item.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


ACTIONS = {
    "reply": ReplyForm,
    "note": NoteForm,
    "status": StatusForm,
    "assign": AssignForm,
    "transfer": TransferForm,
    "merge": MergeForm,
    "not_duplicate": NotDuplicateForm,
    "part": PartForm,
    "refer": ReferForm,
}
NEEDS_CASE = {"reply", "assign", "transfer", "part"}


def _merge_target(case, user, into: str):
    """The case `into` names, if the officer may merge `case` into it; else what to do."""
    try:
        target = selectors.case_get(user=user, reference=into)
    except NotFound:
        # Perhaps another agency holds it: the duplicate goes to them, and they merge it.
        raise NotFound(
            _(
                "There is no case %(ref)s among those you can see. If another agency holds "
                "it, transfer this case to that agency (reason: same matter as %(ref)s); "
                "they can then merge it into theirs."
            )
            % {"ref": into.strip().upper()}
        ) from None
    if target.agency_id != case.agency_id:
        # Readable here (this agency sent it away) but another agency's to merge into.
        raise Conflict(
            _(
                "%(ref)s is with %(agency)s. Transfer this case to %(agency)s (reason: same "
                "matter as %(ref)s); they can then merge it into theirs."
            )
            % {"ref": target.reference, "agency": target.agency.local_name()},
            code="agency",
        )
    return target


def _merge_confirm(request: HttpRequest, case, into: str):
    """A merge cannot be undone and tells a citizen: the officer sees both cases and what will
    happen, and merges with a second button (no JavaScript needed). A merge that would be
    refused is refused here, before asking."""
    target = _merge_target(case, request.user, into)
    services.case_merge_check(source=case, target=target, actor=request.user)
    context = {
        "case": case,
        "target": target,
        "pair": [case, target],
        "moving_messages": case.messages.count(),
        "moving_files": case.attachments.count(),
    }
    return render_in_zone(case.agency, request, "cases/staff/merge_confirm.html", context)


def _run(action: str, case, user, data: dict):
    if action == "reply":
        also_to = data.get("also_to") or []
        services.case_reply(case=case, actor=user, body=data["body"], interim=data["interim"],
                            then_status=data["then_status"] or None, also_to=also_to)  # fmt: skip
        if also_to:
            return ngettext(
                "Reply sent to the citizen and to %(count)d citizen of a merged case.",
                "Reply sent to the citizen and to %(count)d citizens of merged cases.",
                len(also_to),
            ) % {"count": len(also_to)}
        return _("Reply sent to the citizen.")
    if action == "note":
        services.case_note_add(case=case, actor=user, body=data["body"])
        return _("Note added.")
    if action == "status":
        services.case_set_status(case=case, actor=user, status=data["status"], note=data["note"])
        return _("Status changed.")
    if action == "assign":
        assignee = None
        if data["assignee"]:
            assignee = StaffProfile.objects.filter(
                pk=data["assignee"], agency_id=case.agency_id
            ).first()
        before = (case.category_id, case.assignee_id)
        case = services.case_assign(case=case, actor=user, assignee=assignee,
                                    category=data["category"], automatic=assignee is None,
                                    reason=data["reason"])  # fmt: skip
        if (case.category_id, case.assignee_id) == before:
            return _("Nothing changed: the case already had that category and officer.")
        return _("Assignment updated.")
    if action == "transfer":
        category = data["category"]
        if category is not None and category.agency_id != data["to_agency"].pk:
            category = None
        services.case_transfer(case=case, actor=user, to_agency=data["to_agency"],
                               reason=data["reason"], category=category)  # fmt: skip
        return _("Case transferred to %(agency)s. The citizen has been told.") % {
            "agency": data["to_agency"].name
        }
    if action == "merge":
        target = _merge_target(case, user, data["into"])
        services.case_merge(source=case, target=target, actor=user)
        told = {"ref": target.reference, "source": case.reference}
        if case.contact:
            return _("Merged into %(ref)s. The citizen of %(source)s has been told.") % told
        return _("Merged into %(ref)s. %(source)s has no contact details: nobody was told.") % told
    if action == "not_duplicate":
        services.case_dismiss_duplicate(case=case, actor=user, reason=data["reason"])
        return _("The possible duplicate flag was removed.")
    if action == "part":
        part = services.case_add_part(
            case=case, actor=user, agency=data["agency"], note=data["note"]
        )
        return _("Linked part %(ref)s sent to %(agency)s.") % {"ref": part.reference,
                                                              "agency": data["agency"].name}  # fmt: skip
    if action == "refer":
        services.case_refer(case=case, actor=user, body=data["body"], note=data["note"])
        return _("The citizen has been given %(name)s's contact details.") % {
            "name": data["body"].name
        }
    raise Http404


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_action(request: HttpRequest, reference: str, action: str):
    """One action of the case page. Reloading its address after a failed action (or switching
    language there, which reloads it) is a GET: back to the case page, not a 405."""
    if action not in ACTIONS:
        raise Http404
    if request.method != "POST":
        return redirect("cases:staff_case", reference=reference)
    case = _case(request, reference)
    form_class = ACTIONS[action]
    kwargs = {"case": case} if action in NEEDS_CASE else {}
    form = form_class(request.POST, auto_id=_ids(action), **kwargs)
    if action == "status":
        _status_form(form, case)
    if action not in _actions_offered(case):
        form.is_valid()  # the refusal goes beside any other error of the form
        form.add_error(None, _not_offered(case).message)
    elif form.is_valid():
        try:
            if action == "merge" and request.POST.get("confirmed") != "yes":
                return _merge_confirm(request, case, form.cleaned_data["into"])
            text = _run(action, case, request.user, form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, text)
            if action == "merge":
                return redirect(
                    "cases:staff_case", reference=form.cleaned_data["into"].strip().upper()
                )
            if (
                action == "transfer"
                and not selectors.case_queryset_for(request.user).filter(pk=case.pk).exists()
            ):
                return redirect("cases:staff_queue")
            return redirect("cases:staff_case", reference=case.reference)
    return case_page(request, reference, forms={action: form})


def _not_offered(case) -> Conflict:
    if case.merged_into_id is not None:
        return Conflict(
            _("This case was merged into %(ref)s: work on that case.")
            % {"ref": case.merged_into.reference},
            code="merged",
        )
    return Conflict(_("This case does not allow that now."), code="not_allowed")
