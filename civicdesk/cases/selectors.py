"""Reads: every staff query here is scoped by `permissions`; citizens find a case by reference
plus the email or phone it was filed with."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import Q, QuerySet

from civicdesk.cases import search
from civicdesk.cases.models import OPEN_STATUSES, Case, CaseTransfer, Category
from civicdesk.cases.services.routing import BOUNCE_LIMIT
from civicdesk.core.clock import now
from civicdesk.core.errors import NotFound
from civicdesk.organisations.permissions import Access, Area, Scope, scope_for, scope_queryset

SOON = timedelta(hours=24)
REFERENCE_RE = search.REFERENCE_RE


def _scoped(user, access: Access) -> QuerySet:
    return scope_queryset(
        user,
        Area.CASES,
        access,
        Case.objects.all(),
        department_field="department_id",
        site_field="site_id",
        staff_field="assignee_id",
    )


def case_queryset_for(user) -> QuerySet:
    """Cases the user may read: their scope, plus cases their agency transferred away
    (read-only, for history)."""
    scoped = _scoped(user, Access.READ)
    scope = scope_for(user, Area.CASES, Access.READ)
    if scope in (Scope.NONE, Scope.ALL):
        return scoped
    agency_id = user.staff_profile.agency_id
    sent_away = CaseTransfer.objects.filter(from_agency_id=agency_id)
    visible = Q(pk__in=scoped.values("pk"))
    if scope is not Scope.AGENCY:
        sent_away = sent_away.filter(actor_id=user.pk)  # officers keep sight of what they sent
        visible |= Q(agency_id=agency_id, department__isnull=True)  # the triage pool
    return Case.objects.filter(visible | Q(pk__in=sent_away.values("case_id")))


def case_list(
    *,
    user,
    status: str = "",
    kind: str = "",
    category: str = "",
    due: str = "",
    query: str = "",
    mine: bool = False,
) -> QuerySet:
    """The queue: filters, and a search over reference, subject, description and the citizen's
    name (`civicdesk.cases.search`: full-text, best matches first; Chinese by substring)."""
    qs = case_queryset_for(user).select_related("agency", "category", "department", "assignee")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category__code=category)
    at = now()
    if due == "soon":
        qs = qs.filter(
            status__in=OPEN_STATUSES,
            breached_at__isnull=True,
            paused_at__isnull=True,
            reply_due_at__lte=at + SOON,
        )
    elif due == "breached":
        qs = qs.filter(breached_at__isnull=False, status__in=OPEN_STATUSES)
    if mine:
        profile = getattr(user, "staff_profile", None)
        qs = qs.filter(assignee_id=profile.pk if profile else None)
    # PostgreSQL text cannot hold NUL; nobody searches for one, so drop it.
    query = (query or "").replace("\x00", "").strip()
    if query:
        qs, ranked = search.search(qs, query)
        if ranked:
            return search.order_by_rank(qs, "reply_due_at", "received_at")
    return qs.order_by("reply_due_at", "received_at")


def case_get(*, user, reference: str) -> Case:
    case = (
        case_queryset_for(user)
        .select_related(
            "agency",
            "category__standard",
            "department",
            "assignee",
            "merged_into",
            "coordinating_case__agency",
            "possible_duplicate_of",
        )
        .filter(reference=reference.strip().upper())
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def case_can_write(user, case: Case) -> bool:
    from civicdesk.cases.services.common import require_case
    from civicdesk.core.errors import NotAllowed

    try:
        require_case(user, case)
    except NotAllowed:
        return False
    return True


def case_detail_related(case: Case) -> dict:
    """What the case page shows: conversation, notes, attachments, history, transfers, parts."""
    messages = list(case.messages.select_related("author").prefetch_related("attachments"))
    return {
        "messages": messages,
        "attachments": list(case.attachments.all()),
        "events": list(case.events.all()),
        "transfers": list(case.transfers.select_related("from_agency", "to_agency")),
        "parts": list(case.parts.select_related("agency", "assignee")),
        "merged_cases": list(case.merged_cases.only("reference")),
    }


def qsm_dashboard(*, user) -> dict:
    """The QSM's morning: about to breach, breached, bounced, possible duplicates."""
    base = (
        case_queryset_for(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("agency", "category", "department", "assignee", "possible_duplicate_of")
    )
    at = now()
    return {
        "about_to_breach": list(
            base.filter(breached_at__isnull=True, paused_at__isnull=True)
            .filter(
                Q(reply_due_at__lte=at + SOON, replied_at__isnull=True)
                | Q(acknowledge_due_at__lte=at + SOON, acknowledged_at__isnull=True)
            )
            .order_by("reply_due_at")[:100]
        ),
        "breached": list(base.filter(breached_at__isnull=False).order_by("breached_at")[:100]),
        "bounced": list(
            base.filter(transfer_count__gt=BOUNCE_LIMIT).order_by("-transfer_count")[:100]
        ),
        "duplicates": list(
            base.filter(possible_duplicate_of__isnull=False, merged_into__isnull=True)
            .filter(possible_duplicate_of__status__in=OPEN_STATUSES)
            .order_by("-received_at")[:100]
        ),
    }


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def case_find_for_citizen(*, reference: str, contact: str) -> Case | None:
    """The case when the reference and the email or phone match; None otherwise (same answer
    for a wrong reference and a wrong contact, so nothing can be learnt by guessing)."""
    reference = (reference or "").strip().upper()
    contact = (contact or "").strip()
    if not reference or not contact:
        return None
    case = (
        Case.objects.select_related("agency", "merged_into__agency", "category")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        return None
    if "@" in contact:
        matches = bool(case.contact_email) and case.contact_email.lower() == contact.lower()
    else:
        digits = _digits(contact)
        matches = (
            len(digits) >= 6
            and bool(case.contact_phone)
            and _digits(case.contact_phone).endswith(digits[-8:])
        )
    return case if matches else None


def category_list_public(*, agency_code: str = "") -> QuerySet:
    qs = Category.objects.filter(is_active=True, agency__is_active=True).select_related(
        "agency", "department", "standard"
    )
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    return qs.order_by("agency__code", "name")
