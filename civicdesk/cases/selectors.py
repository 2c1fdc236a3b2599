"""Reads: every staff query here is scoped by `permissions`; citizens find a case by reference
plus the email or phone it was filed with."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db.models import Case as CaseWhen
from django.db.models import CharField, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.query import ModelIterable
from django.db.models.sql.where import WhereNode

from civicdesk.cases import search
from civicdesk.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseAttachment,
    CaseMessage,
    CaseTransfer,
    Category,
    MessageKind,
)
from civicdesk.cases.services.routing import BOUNCE_LIMIT
from civicdesk.core.clock import now
from civicdesk.core.errors import NotFound
from civicdesk.organisations.models import Agency
from civicdesk.organisations.permissions import Access, Area, Scope, scope_for, scope_queryset

SOON = timedelta(hours=24)
REFERENCE_RE = search.REFERENCE_RE
# The queue's orders (`case_list`): the next clock to run out, newest, oldest, priority.
SORT_DUE, SORT_NEWEST, SORT_OLDEST, SORT_PRIORITY = "due", "newest", "oldest", "priority"
QUEUE_SORTS = (SORT_DUE, SORT_NEWEST, SORT_OLDEST, SORT_PRIORITY)


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
    if scope is not Scope.AGENCY:
        sent_away = sent_away.filter(actor_id=user.pk)  # officers keep sight of what they sent
        scoped |= Case.objects.filter(agency_id=agency_id, department__isnull=True)  # triage
    # One WHERE over the case's own columns, OR the one sub-query that needs another table:
    # the scope as `id IN (SELECT id FROM cases WHERE ...)` made the database list every case
    # of the agency before reading any (a full scan and hash on PostgreSQL), on every page.
    return scoped | Case.objects.filter(pk__in=sent_away.values("case_id"))


def case_list(
    *,
    user,
    status: str = "",
    kind: str = "",
    category: str = "",
    due: str = "",
    query: str = "",
    mine: bool = False,
    sort: str = SORT_DUE,
) -> QuerySet:
    """The queue: filters, and a search over reference, subject, description and the citizen's
    name (`civicdesk.cases.search`: full-text, best matches first; Chinese by substring).

    `sort` (QUEUE_SORTS): the next clock to run out first (default; with a search, the best
    matches first and then that), newest or oldest received first, or highest priority first.
    Sorted by the database (`next_due`), never in Python. Each case carries `next_due_at`
    and `next_due_clock` (`with_next_due`)."""
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
    if due in ("soon", "breached"):
        # As on the QSM's dashboard: what is due is the holder's to act on, not a case this
        # agency sent away (readable here for its history).
        qs = qs.filter(pk__in=_scoped(user, Access.READ).values("pk"))
    if due == "soon":
        qs = qs.filter(_about_to_breach(at), status__in=OPEN_STATUSES)
    elif due == "breached":
        qs = qs.filter(breached_at__isnull=False, status__in=OPEN_STATUSES)
    if mine:
        profile = getattr(user, "staff_profile", None)
        qs = qs.filter(assignee_id=profile.pk if profile else None)
    # PostgreSQL text cannot hold NUL; nobody searches for one, so drop it.
    query = (query or "").replace("\x00", "").strip()
    sort = sort if sort in QUEUE_SORTS else SORT_DUE
    qs = with_next_due(qs)  # the due order sorts by it; the API shows it whatever the order
    if query:
        qs, ranked = search.search(qs, query)
        if ranked and sort == SORT_DUE:
            return search.order_by_rank(qs, *_queue_order(sort))
        return qs.order_by(*_queue_order(sort))
    # Not with a search: its raw SQL names the table, which a sub-query renames.
    return QueuePages(model=Case, query=qs.order_by(*_queue_order(sort)).query)


class QueuePages(QuerySet):
    """The queue, paged cheaply however deep the page: a slice (a Paginator's page, the API's
    offset and limit) sorts only the ids and reads the full rows of that page alone, in one
    query: `WHERE id IN (SELECT id ... WHERE ... ORDER BY ... LIMIT 50 OFFSET 4950) ORDER BY`.

    Sorting the rows themselves (every column of the case and of its agency, category,
    department and assignee) to skip the 4,950 before page 100 made deep pages slow: a sort
    that spills to disk on PostgreSQL, a wide temporary B-tree on SQLite."""

    def __getitem__(self, k):
        if (
            isinstance(k, slice)
            and k.stop is not None
            and k.step is None
            and self._result_cache is None
            and not self.query.is_sliced
            and self._iterable_class is ModelIterable
        ):
            page_ids = self.values("pk")[k]
            page = self._chain()
            # Those ids passed every filter already: the page's rows are read by id alone,
            # not by scanning the queue a second time to match them.
            page.query.where = WhereNode()
            return page.filter(pk__in=page_ids)
        return super().__getitem__(k)


def _queue_order(sort: str) -> tuple:
    """The queue's order for `sort` (one of QUEUE_SORTS). Each ends in the primary key, so
    that pages never repeat or skip a case."""
    due = (F("next_due_at").asc(nulls_last=True), "received_at", "pk")
    if sort == SORT_NEWEST:
        return ("-received_at", "-pk")
    if sort == SORT_OLDEST:
        return ("received_at", "pk")
    if sort == SORT_PRIORITY:
        return ("-priority", *due)
    return due


def case_get(*, user, reference: str) -> Case:
    """The case, with `next_due_at` and `next_due_clock` as the queue has them."""
    case = (
        with_next_due(case_queryset_for(user))
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


def _about_to_breach(at) -> Q:
    """Not breached, not paused, and the reply or acknowledgement still owed falls due within
    a day: the dashboard's list and the queue's "due within a day" filter alike."""
    return Q(breached_at__isnull=True, paused_at__isnull=True) & (
        Q(reply_due_at__lte=at + SOON, replied_at__isnull=True)
        | Q(acknowledge_due_at__lte=at + SOON, acknowledged_at__isnull=True)
    )


# The clocks `next_due` can count down to, named as the staff pages' clock tag names them.
CLOCK_ACKNOWLEDGEMENT, CLOCK_REPLY = "acknowledgement", "reply"
CLOCK_DUE_FIELDS = {CLOCK_ACKNOWLEDGEMENT: "acknowledge_due_at", CLOCK_REPLY: "reply_due_at"}


def _next_due_rule() -> list[tuple[Q, str | None]]:
    """(condition, clock), first match wins; None, or no match: no clock runs. `next_due` and
    `next_due_clock` are both built from it, so the time and the clock always agree."""
    unacknowledged = Q(acknowledged_at__isnull=True, acknowledge_due_at__isnull=False)
    return [
        (~Q(status__in=OPEN_STATUSES) | Q(paused_at__isnull=False), None),
        (
            unacknowledged & Q(replied_at__isnull=True, reply_due_at__lt=F("acknowledge_due_at")),
            CLOCK_REPLY,
        ),
        (unacknowledged, CLOCK_ACKNOWLEDGEMENT),
        (Q(replied_at__isnull=True, reply_due_at__isnull=False), CLOCK_REPLY),
    ]


def _by_next_due_rule(then, output_field) -> CaseWhen:
    return CaseWhen(
        *[When(condition, then=then(clock)) for condition, clock in _next_due_rule()],
        default=Value(None),
        output_field=output_field,
    )


def next_due():
    """When the case's next clock runs out, as its clock tag counts down to it: the
    acknowledgement while it is owed (the reply, if that is owed and falls due sooner), then
    the reply while it is owed. NULL when no clock runs: finished, paused while waiting for
    the citizen, or everything owed sent. One SQL expression: the queue and the QSM's "about
    to breach" list are sorted by it in the database."""
    return _by_next_due_rule(
        lambda clock: F(CLOCK_DUE_FIELDS[clock]) if clock else Value(None), DateTimeField()
    )


def next_due_clock():
    """Which clock `next_due` counts down to (CLOCK_ACKNOWLEDGEMENT or CLOCK_REPLY), NULL
    when it is NULL: the same rule, one SQL expression."""
    return _by_next_due_rule(Value, CharField())


def case_next_due(case) -> tuple[str | None, datetime | None]:
    """(clock, due time) of one case: its `with_next_due` annotation when it has one, else
    `_next_due_rule` read in Python for a case loaded without it (the staff clock tag). The
    two are checked against each other case by case in test_c1_api_next_due."""
    if hasattr(case, "next_due_clock"):
        return case.next_due_clock, case.next_due_at
    if case.status not in OPEN_STATUSES or case.paused_at is not None:
        clock = None
    elif case.acknowledged_at is None and case.acknowledge_due_at is not None:
        reply_first = (
            case.replied_at is None
            and case.reply_due_at is not None
            and case.reply_due_at < case.acknowledge_due_at
        )
        clock = CLOCK_REPLY if reply_first else CLOCK_ACKNOWLEDGEMENT
    elif case.replied_at is None and case.reply_due_at is not None:
        clock = CLOCK_REPLY
    else:
        clock = None
    return clock, getattr(case, CLOCK_DUE_FIELDS[clock]) if clock else None


def with_next_due(qs: QuerySet) -> QuerySet:
    """`qs` annotated with `next_due_at` and `next_due_clock` (the API shows both)."""
    return qs.annotate(next_due_at=next_due(), next_due_clock=next_due_clock())


def qsm_dashboard(*, user) -> dict:
    """The QSM's morning: about to breach, breached, bounced, possible duplicates.

    Bounced cases include those her agency sent away (it took part in the back and forth);
    the other lists hold only the cases in her scope, which she can act on."""
    related = ("agency", "category", "department", "assignee", "possible_duplicate_of")
    seen = case_queryset_for(user).filter(status__in=OPEN_STATUSES).select_related(*related)
    base = _scoped(user, Access.READ).filter(status__in=OPEN_STATUSES).select_related(*related)
    at = now()
    return {
        "about_to_breach": list(
            base.filter(_about_to_breach(at))
            .annotate(next_due_at=next_due())
            .order_by(F("next_due_at").asc(nulls_last=True), "reply_due_at")[:100]
        ),
        "breached": list(base.filter(breached_at__isnull=False).order_by("breached_at")[:100]),
        "bounced": list(
            seen.filter(transfer_count__gt=BOUNCE_LIMIT).order_by("-transfer_count")[:100]
        ),
        "duplicates": list(
            base.filter(possible_duplicate_of__isnull=False, merged_into__isnull=True)
            .filter(possible_duplicate_of__status__in=OPEN_STATUSES)
            .order_by("-received_at")[:100]
        ),
    }


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _same_contact(case: Case, contact: str) -> bool:
    """Whether `contact` (an email, or a phone number: its last 8 digits) is the case's own."""
    if "@" in contact:
        return bool(case.contact_email) and case.contact_email.lower() == contact.lower()
    digits = _digits(contact)
    return (
        len(digits) >= 8
        and bool(case.contact_phone)
        and _digits(case.contact_phone).endswith(digits[-8:])
    )


MERGE_DEPTH = 5  # merges of merges go no deeper than this in practice


def case_find_for_citizen(*, reference: str, contact: str) -> Case | None:
    """The citizen's own case when the reference and the email or phone match; None otherwise
    (same answer for a wrong reference and a wrong contact, so nothing can be learnt by guessing).

    One reference: a citizen whose case was merged is told to follow the case it was merged
    into. So the reference of that case, with the email or phone of any citizen whose case was
    merged into it, finds that citizen's OWN (merged) case: its tracking page shows the case it
    was merged into, but only that citizen's part of it (`citizen_conversation`). Their old
    reference keeps working too.
    """
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
    if _same_contact(case, contact):
        return case
    level = [case.pk]
    for _depth in range(MERGE_DEPTH):
        merged = list(
            Case.objects.select_related("agency", "merged_into__agency", "category")
            .filter(merged_into_id__in=level)
            .order_by("received_at", "pk")
        )
        for candidate in merged:
            if _same_contact(candidate, contact):
                return candidate
        if not merged:
            break
        level = [m.pk for m in merged]
    return None


def case_merged_root(case: Case, *, lock: bool = False) -> Case:
    """The case a citizen's case lives on now: itself, or the case it was (finally) merged into.
    `lock`: each case on the way is read again and locked for update (inside a transaction)."""
    cases = Case.objects.select_related("agency", "merged_into", "category__standard")
    if lock:
        cases = cases.select_for_update(of=("self",))
        case = cases.get(pk=case.pk)
    shown = case
    for _depth in range(MERGE_DEPTH):
        if shown.merged_into_id is None:
            break
        shown = cases.get(pk=shown.merged_into_id)
    return shown


def _contact_key(case: Case) -> tuple[str, str]:
    return (case.contact_email or "").strip().lower(), _digits(case.contact_phone)


def merged_recipients(case: Case) -> list[Case]:
    """The citizens of the cases merged into `case` (directly or through another merge) whom
    a reply on `case` can also reach: one case per person with an email or phone, oldest
    first. Anyone with the same email or phone as `case`'s own citizen, or as one listed
    before, is left out: they already read those replies (`citizen_own_references`)."""
    merged: list[Case] = []
    frontier = [case.pk]
    for _depth in range(MERGE_DEPTH):
        children = list(Case.objects.filter(merged_into_id__in=frontier))
        if not children:
            break
        merged += children
        frontier = [child.pk for child in children]
    merged.sort(key=lambda c: (c.created_at, c.pk))  # oldest first, across the levels
    emails, phones = set(), set()

    def remember(other: Case) -> None:
        email, phone = _contact_key(other)
        if email:
            emails.add(email)
        if phone:
            phones.add(phone)

    remember(case)
    recipients = []
    for other in merged:
        email, phone = _contact_key(other)
        if not (email or phone) or email in emails or phone in phones:
            continue
        recipients.append(other)
        remember(other)
    return recipients


def citizen_own_references(*, case: Case, shown: Case) -> set[str]:
    """The references on `shown` whose messages belong to the citizen of `case`.

    A merge moves every message of the merged case onto the case it joins, marked with the
    reference it was first written under (`CaseMessage.original_reference`; "" for the case's
    own). A citizen owns the messages of their own case and of any other case in the merge
    with exactly the same email or phone (the same person, writing twice): nobody else's.
    """
    own = {case.reference}
    refs = set(
        shown.messages.exclude(original_reference="")
        .values_list("original_reference", flat=True)
        .distinct()
    ) | {shown.reference}
    refs.discard(case.reference)
    email, phone = _contact_key(case)
    if refs and (email or phone):
        for other in Case.objects.filter(reference__in=refs).only(
            "reference", "contact_email", "contact_phone"
        ):
            other_email, other_phone = _contact_key(other)
            if (email and other_email == email) or (phone and other_phone == phone):
                own.add(other.reference)
    return own


def _own_messages(*, shown: Case, own: set[str], prefix: str = "") -> Q:
    mine = Q(**{f"{prefix}original_reference__in": own})
    if shown.reference in own:
        mine |= Q(**{f"{prefix}original_reference": ""})
    return mine


def citizen_conversation(*, case: Case, shown: Case) -> list[CaseMessage]:
    """What the citizen of `case` sees on the tracking page of `shown` (the case their case is
    on now): their own messages and our messages to them, never another citizen's, never
    internal notes. Staff see everything on the case page. Each message's `author_shown`
    names the agency in the language in use (`citizen_author_label`)."""
    own = citizen_own_references(case=case, shown=shown)
    messages = list(
        shown.messages.filter(kind__in=[MessageKind.FROM_CITIZEN, MessageKind.TO_CITIZEN])
        .filter(_own_messages(shown=shown, own=own))
        .prefetch_related("attachments")
    )
    agencies = list(Agency.objects.only("name", "names")) if messages else []
    for message in messages:
        message.author_shown = citizen_author_label(message.author_label, agencies)
    return messages


def citizen_author_label(label: str, agencies) -> str:
    """A message's stored author label ("Officer, Agency name" or "Agency name", written in
    English when it was sent) with the agency named as the reader's language names it."""
    for agency in agencies:
        if label == agency.name:
            return agency.display_name
        suffix = f", {agency.name}"
        if label.endswith(suffix):
            return f"{label[: -len(suffix)]}, {agency.display_name}"
    return label


def citizen_attachment(*, case: Case, shown: Case, attachment_id: int) -> CaseAttachment | None:
    """A file the citizen of `case` may download: on one of their messages in
    `citizen_conversation`, nothing else."""
    own = citizen_own_references(case=case, shown=shown)
    return (
        CaseAttachment.objects.filter(
            pk=attachment_id,
            case=shown,
            message__kind__in=[MessageKind.FROM_CITIZEN, MessageKind.TO_CITIZEN],
        )
        .filter(_own_messages(shown=shown, own=own, prefix="message__"))
        .first()
    )


def category_list_public(*, agency_code: str = "") -> QuerySet:
    qs = Category.objects.filter(is_active=True, agency__is_active=True).select_related(
        "agency", "department", "standard"
    )
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    return qs.order_by("agency__code", "name")
