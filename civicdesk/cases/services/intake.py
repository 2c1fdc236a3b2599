"""Creating cases (every channel ends here) and citizens adding to them."""

from __future__ import annotations

import functools
import re
import unicodedata
import uuid
from contextlib import nullcontext
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Count, Max, Q
from django.utils.formats import date_format
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from rapidfuzz import fuzz

from civicdesk.audit.models import AuditEntry
from civicdesk.audit.services import audit_entry_new, audit_record, audit_written
from civicdesk.cases import lookups
from civicdesk.cases.clock import clock_start
from civicdesk.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseMessage,
    CaseStatus,
    Category,
    IntakeChannel,
    Kind,
    MessageKind,
    OfficerAbsence,
    Priority,
    ReferenceCounter,
)
from civicdesk.cases.services.common import (
    NOTE_CITIZEN_REPLIED,
    NOTE_CITIZEN_WROTE_AFTER_RESOLVED,
    AttachmentIn,
    attachments_check,
    attachments_save,
    phone_is_valid,
    require_agency_intake,
    tell_citizen,
)
from civicdesk.cases.workflows import case_event, case_event_new, case_transition
from civicdesk.core.clock import now
from civicdesk.core.errors import Conflict, ValidationFailed
from civicdesk.core.inserts import (
    bound_cursor,
    insert_casts,
    insert_columns,
    insert_values,
    mark_saved,
)
from civicdesk.core.zones import zone_of
from civicdesk.organisations.models import Agency, Department, Site, StaffProfile
from civicdesk.routing.integration import auto_route, auto_route_record

DUPLICATE_WINDOW = timedelta(days=30)
DUPLICATE_DISTANCE_DEGREES = Decimal("0.002")  # about 200 m at Hong Kong's latitude
DUPLICATE_TEXT_RATIO = 0.5
ASSIGNABLE_ROLES = lookups.ASSIGNABLE_ROLES
# The choices an intake is checked against, as sets: `Kind.values` builds its list anew on
# every read.
_KINDS = frozenset(Kind.values)
_CHANNELS = frozenset(IntakeChannel.values)
_PRIORITIES = frozenset(Priority.values)


def reference_allocate(*, agency: Agency, year: int) -> str:
    """The next reference of an agency's year, without gaps or repeats, under concurrency.

    One UPDATE ... RETURNING takes the counter row's lock (PostgreSQL) or runs inside SQLite's
    IMMEDIATE write transaction, so two requests can never read the same number. The caller's
    transaction holds the lock until the case is saved; a rolled-back case gives its number back.
    """
    table = ReferenceCounter._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE agency_id = %s AND year = %s RETURNING last"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, year])
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(agency=agency, year=year, last=1)
            number = 1
        except IntegrityError:  # another request created this year's counter first
            with connection.cursor() as cursor:
                cursor.execute(sql, [agency.pk, year])
                number = cursor.fetchone()[0]
    else:
        number = row[0]
    return f"{agency.code}-{year}-{number:06d}"


def _insert_numbered_at_once(
    case: Case, message: CaseMessage, event: CaseEvent, entry: AuditEntry
) -> bool:
    """PostgreSQL: number the case and write it, its first message, its "created" event and its
    audit entry in ONE statement. False (nothing written) when the agency has no counter for the
    year yet.

    The counter's row lock is held from this statement to the COMMIT: with nothing else to send
    in between, a request thread that has to wait for the interpreter lock before it can commit
    (dozens of requests run at once in a server process) holds up the agency's other intakes for
    one wait, not one per statement. The reference goes in with the row: numbering after the
    insert (as on SQLite) meant an UPDATE of an indexed column, which PostgreSQL writes as a new
    row version with an entry in every one of the case's indexes.
    """
    year = case.received_at.astimezone(zone_of(case.agency)).year
    _, c_vals = insert_values(case, {"reference"})
    _, m_vals = insert_values(message, {"case_id"})
    _, e_vals = insert_values(event, {"case_id"})
    # The entry names the case by id, "reference subject" and, in its data, the reference.
    _, a_vals = insert_values(entry, {"object_id", "object_repr", "data"})
    a_data = AuditEntry._meta.get_field("data").get_db_prep_save(entry.data, connection)
    sql = _numbered_insert_sql(connection.vendor)
    params = [case.agency_id, year, *c_vals, f"{case.agency.code}-{year}-", *m_vals, *e_vals,
              *a_vals, f" {case.subject}", a_data]  # fmt: skip
    with bound_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    case_pk, case.reference, message_pk, event_pk, entry_pk = row
    mark_saved(case, case_pk)
    message.case = event.case = case  # sets case_id, now that the case has its primary key
    mark_saved(message, message_pk)
    mark_saved(event, event_pk)
    _entry_names_case(entry, case)
    mark_saved(entry, entry_pk)
    return True


@functools.cache
def _numbered_insert_sql(vendor: str) -> str:
    """The statement of `_insert_numbered_at_once` (`vendor`: PostgreSQL's): the same text for
    every case, only its parameters change, so built once per process."""
    qn = connection.ops.quote_name

    def columns(model, skip) -> str:
        return ", ".join(insert_columns(model, skip))

    def values(model, skip) -> str:  # typed: the rows are INSERT ... SELECT (see insert_casts)
        return ", ".join(insert_casts(model, skip))

    return (
        f"WITH n AS (UPDATE {qn(ReferenceCounter._meta.db_table)} SET last = last + 1 "  # noqa: S608
        "WHERE agency_id = %s AND year = %s RETURNING last), "
        f"c AS (INSERT INTO {qn(Case._meta.db_table)} ({columns(Case, {'reference'})}, "
        f"{qn('reference')}) SELECT {values(Case, {'reference'})}, "
        "%s::text || lpad(n.last::text, greatest(6, length(n.last::text)), '0') FROM n "
        "RETURNING id, reference), "
        f"m AS (INSERT INTO {qn(CaseMessage._meta.db_table)} ({qn('case_id')}, "
        f"{columns(CaseMessage, {'case_id'})}) SELECT c.id, {values(CaseMessage, {'case_id'})} "
        "FROM c RETURNING id), "
        f"e AS (INSERT INTO {qn(CaseEvent._meta.db_table)} ({qn('case_id')}, "
        f"{columns(CaseEvent, {'case_id'})}) SELECT c.id, {values(CaseEvent, {'case_id'})} "
        "FROM c RETURNING id), "
        f"a AS (INSERT INTO {qn(AuditEntry._meta.db_table)} "
        f"({columns(AuditEntry, {'object_id', 'object_repr', 'data'})}, "
        f"{qn('object_id')}, {qn('object_repr')}, {qn('data')}) "
        f"SELECT {values(AuditEntry, {'object_id', 'object_repr', 'data'})}, c.id::text, "
        "left(c.reference || %s::text, 200), "
        "%s::jsonb || jsonb_build_object('reference', c.reference) FROM c RETURNING id) "
        "SELECT c.id, c.reference, m.id, e.id, a.id FROM c, m, e, a"
    )


def _entry_names_case(entry: AuditEntry, case: Case) -> None:
    """The intake's audit entry, made before the case had an id and a reference, names it (the
    statement above writes the same values in SQL)."""
    entry.object_id, entry.object_repr = str(case.pk), str(case)[:200]
    entry.data = {"reference": case.reference, **entry.data}


PLACEHOLDER_PREFIX = "pending-"


def _placeholder_reference() -> str:
    """A unique stand-in until `case_number` gives the case its reference (same transaction:
    no other transaction ever sees it)."""
    return f"{PLACEHOLDER_PREFIX}{uuid.uuid4().hex[:22]}"


def case_number(*, case: Case) -> str:
    """Give a just-inserted case its reference: the agency's next number for the year of receipt.

    Takes the counter row's lock until the caller's transaction commits (see reference_allocate).
    On PostgreSQL, `_insert_numbered_at_once` numbers the case as it writes it; this runs there
    only for the first case of a year, whose counter reference_allocate creates.
    """
    year = case.received_at.astimezone(zone_of(case.agency)).year
    case.reference = reference_allocate(agency=case.agency, year=year)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Case._meta.db_table} SET reference = %s WHERE id = %s",  # noqa: S608
            [case.reference, case.pk],
        )
    return case.reference


def _is_away(staff_ids, on) -> set[int]:
    return set(
        OfficerAbsence.objects.filter(
            staff_id__in=staff_ids, starts_on__lte=on, ends_on__gte=on
        ).values_list("staff_id", flat=True)
    )


def pick_assignee(*, department: Department, at: datetime, tz=None) -> StaffProfile | None:
    """Round-robin weighted by open workload: the officer present with the fewest open cases,
    and among equals the one who was given a case longest ago.

    Who may be assigned comes from a per-process cache (`lookups.assignable_staff`, seconds
    old at most); their workload and absences are read fresh, only when there is someone.
    """
    candidates = lookups.assignable_staff(department.pk)
    if not candidates:
        return None
    ids = [c.id for c in candidates]
    # Absences are in the agency's days: 07:00 on Monday in Hong Kong is Sunday in UTC.
    away = _is_away(ids, localdate(at, tz) if tz is not None else at.date())
    present = [c for c in candidates if c.id not in away]
    if not present:
        return None
    load = {
        row["assignee_id"]: row
        for row in Case.objects.filter(assignee_id__in=[c.id for c in present])
        .values("assignee_id")
        .annotate(
            open_cases=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            last_given=Max("assigned_at"),
        )
        .order_by()
    }
    epoch = datetime.min.replace(tzinfo=at.tzinfo)

    def order(c: StaffProfile):
        row = load.get(c.id, {})
        return (row.get("open_cases", 0), row.get("last_given") or epoch, c.id)

    return min(present, key=order)


def _similar(a: str, b: str) -> float:
    """0..1: the share of characters the two texts have in common, in order (normalised Indel
    similarity, as difflib's ratio but computed in C: difflib cost a case over 1 ms)."""
    return fuzz.ratio(a.lower()[:500], b.lower()[:500]) / 100


def find_possible_duplicate(*, case: Case) -> Case | None:
    """An open case of the same agency in the window about the same thing: from the same
    contact with the same category or similar text, or close by with similar text. (A citizen
    writing twice about different things has two cases, not a duplicate.)"""
    since = case.received_at - DUPLICATE_WINDOW
    text = f"{case.subject} {case.description}"
    if case.contact_email or case.contact_phone:
        same_contact = _same_contact_same_matter(case=case, since=since, text=text)
        if same_contact is not None:
            return same_contact
    if case.latitude is None or case.longitude is None:
        # The web form asks for an address, not coordinates: the same address is close by.
        return _same_address_similar(case=case, since=since, text=text)
    for row in _nearby_open_cases(case=case, since=since):
        # Plain rows: only the one that matches becomes a (deferred) Case.
        if _similar(text, f"{row[2]} {row[3]}") >= DUPLICATE_TEXT_RATIO:
            return Case.from_db(connection.alias, list(_NEARBY_FIELDS), row)
    return None


_NEARBY_FIELDS = ("id", "reference", "subject", "description")


def _same_contact_same_matter(*, case: Case, since: datetime, text: str) -> Case | None:
    """The agency's oldest open, unmerged case in the window from the same email or phone in
    the same category (when the case has one) or with similar text."""
    # "<> ''" lets PostgreSQL use the partial indexes on the contact (anonymous cases, most
    # of them, are not in those).
    contact = Q()
    if case.contact_email:
        contact |= Q(contact_email__iexact=case.contact_email) & ~Q(contact_email="")
    if case.contact_phone:
        contact |= Q(contact_phone=case.contact_phone) & ~Q(contact_phone="")
    rows = _open_since(case, since).filter(contact).only(*_NEARBY_FIELDS, "category_id")[:20]
    for row in rows:
        if case.category_id is not None and row.category_id == case.category_id:
            return row
        if _similar(text, f"{row.subject} {row.description}") >= DUPLICATE_TEXT_RATIO:
            return row
    return None


def _open_since(case: Case, since: datetime):
    """The agency's open, unmerged cases received since `since`, other than `case`, oldest
    first: where a duplicate of `case` may be."""
    return (
        Case.objects.filter(
            agency_id=case.agency_id,
            received_at__gte=since,
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
        )
        .exclude(pk=case.pk)
        .order_by("received_at")
    )


def _same_address_similar(*, case: Case, since: datetime, text: str) -> Case | None:
    """The agency's oldest open, unmerged case in the window at the same address (ignoring
    case) with similar text; None for a case without an address."""
    if not case.address:
        return None
    rows = _open_since(case, since).filter(address__iexact=case.address).only(*_NEARBY_FIELDS)[:20]
    for row in rows:
        if _similar(text, f"{row.subject} {row.description}") >= DUPLICATE_TEXT_RATIO:
            return row
    return None


def _nearby_open_cases(*, case: Case, since: datetime) -> list[tuple]:
    """The agency's open, unmerged cases received since `since` within
    DUPLICATE_DISTANCE_DEGREES of the case, oldest first, at most 20: (id, reference, subject,
    description).

    Read on every intake with a location, so written out once rather than built by the ORM
    each time (building and compiling that query cost more than running it); the values are
    prepared by the model's own fields, as a filter() would. The index on agency + latitude
    finds the band.
    """
    field = Case._meta.get_field
    d = DUPLICATE_DISTANCE_DEGREES
    db = connections[DEFAULT_DB_ALIAS]  # `connection`, without its proxy's look-up per use

    def prep(name, value):
        return field(name).get_db_prep_value(value, db)

    statuses = list(OPEN_STATUSES)
    params = [
        case.agency_id,
        prep("received_at", since),
        *statuses,
        prep("latitude", case.latitude - d),
        prep("latitude", case.latitude + d),
        prep("longitude", case.longitude - d),
        prep("longitude", case.longitude + d),
    ]
    exclude_self = ""
    if case.pk is not None:
        exclude_self = "AND id <> %s "
        params.append(case.pk)
    sql = (
        f"SELECT {', '.join(_NEARBY_FIELDS)} FROM {Case._meta.db_table} "  # noqa: S608
        "WHERE agency_id = %s AND received_at >= %s AND merged_into_id IS NULL "
        f"AND status IN ({', '.join(['%s'] * len(statuses))}) "
        "AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s "
        f"{exclude_self}ORDER BY received_at LIMIT 20"
    )
    with bound_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def category_from_rules(*, agency: Agency, text: str) -> Category | None:
    """The routing rule for a case that came without a category: the agency's active category
    whose keywords (one a line) appear most often in the text; None when no keyword matches."""
    text = text.lower()
    best, best_hits = None, 0
    for category in Category.objects.filter(agency=agency, is_active=True).select_related(
        "department"
    ):
        words = [w.strip().lower() for w in category.keywords.splitlines() if w.strip()]
        hits = sum(text.count(w) for w in words)
        if hits > best_hits:
            best, best_hits = category, hits
    return best


# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: a tab or a
# line break in a person's name means nothing, and breaks the lines it is printed on.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def name_check(value: str) -> str:
    """A person's name as given, trimmed; refused if it holds a control character."""
    value = _check_text(value, _LABELS["name"], 200)
    if CONTROL_CHARACTERS.search(value):
        raise ValidationFailed(
            _("Enter the name without tabs, line breaks or other control characters."),
            code="contact_name",
        )
    return value


def name_without_controls(value: str) -> str:
    """A name another system wrote (an email's From header): each run of control characters
    and spaces becomes one space."""
    return re.sub(r"\s+", " ", CONTROL_CHARACTERS.sub(" ", value or "")).strip()


# What _check_text calls each text in its messages: translated only when one is shown (six
# translations looked up on every intake cost more than the checks themselves).
_LABELS = {
    "name": gettext_lazy("Name"),
    "description": gettext_lazy("Description"),
    "subject": gettext_lazy("Subject"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "address": gettext_lazy("Address"),
}


def _check_text(value: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if "\x00" in value:  # never meaningful, and PostgreSQL text cannot hold it
        raise ValidationFailed(
            _("%(label)s contains a character that is not allowed (NUL).") % {"label": label},
            code="nul",
        )
    if len(value) > limit:
        raise ValidationFailed(
            _("%(label)s must be %(n)s characters or fewer.") % {"label": label, "n": limit},
            code="too_long",
        )
    return value


SUBJECT_FROM_DESCRIPTION_CHARS = 120


def subject_from_description(description: str) -> str:
    """A subject for a case sent without one: the description's first line, at most 120
    characters. A longer line is cut at a word boundary (a space, or next to a Chinese
    character: Chinese needs no spaces) and ends in an ellipsis, so no subject stops in the
    middle of a word. A line with no boundary in its second half (a long URL) is cut at the
    limit, still with the ellipsis."""
    lines = description.strip().splitlines()
    line = lines[0].strip() if lines else ""
    limit = SUBJECT_FROM_DESCRIPTION_CHARS
    if len(line) <= limit:
        return line
    head = line[: limit - 1]  # room for the ellipsis
    if not _word_boundary(head[-1], line[limit - 1]):
        words = head.rsplit(maxsplit=1)
        if len(words) == 2 and len(words[0]) >= limit // 2:
            head = words[0]
    return head.rstrip(" ,;:-–—") + "…"


def _word_boundary(before: str, after: str) -> bool:
    wide = ("W", "F")
    return (
        before.isspace()
        or after.isspace()
        or unicodedata.east_asian_width(before) in wide
        or unicodedata.east_asian_width(after) in wide
    )


def case_create(
    *,
    agency: Agency,
    kind: str,
    channel: str,
    description: str,
    subject: str = "",
    category: Category | None = None,
    language: str = "en",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    address: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    priority: int = Priority.NORMAL,
    site: Site | None = None,
    attachments: list[AttachmentIn] | None = None,
    idempotency_key: str | None = None,
    email_message_id: str | None = None,
    received_at: datetime | None = None,
    actor=None,
    acknowledge: bool = True,
) -> Case:
    """Store a new case and tell the citizen its reference.

    Idempotent: a second call with the same `idempotency_key` or `email_message_id` returns the
    first case (with `case.created = False`) and changes nothing.
    """
    if actor is not None:
        require_agency_intake(actor, agency)
    # No look-up first: the unique key makes the insert fail for a repeat, which is rare, so the
    # common case costs no extra query. The savepoint rollback also returns the reference number.
    try:
        with nullcontext() if _written_in_one_statement(
            category=category, attachments=attachments, acknowledge=acknowledge,
            contact=(contact_email or "").strip() or (contact_phone or "").strip(),
        ) else transaction.atomic():  # fmt: skip
            case = _case_create(
                agency=agency,
                kind=kind,
                channel=channel,
                description=description,
                subject=subject,
                category=category,
                language=language,
                contact_name=contact_name,
                contact_email=contact_email,
                contact_phone=contact_phone,
                address=address,
                latitude=latitude,
                longitude=longitude,
                priority=priority,
                site=site,
                attachments=attachments or [],
                idempotency_key=idempotency_key,
                email_message_id=email_message_id,
                received_at=received_at,
                actor=actor,
                acknowledge=acknowledge,
            )
    except IntegrityError:
        # A concurrent request with the same key won the race: theirs is the one case.
        existing = _existing(idempotency_key, email_message_id)
        if existing is None:
            raise
        return existing
    case.created = True
    return case


def _written_in_one_statement(*, category, attachments, acknowledge, contact) -> bool:
    """Whether the case is all there is to write, so that no transaction needs to be opened.

    On PostgreSQL the case, its first message, event and audit entry are one statement
    (`_insert_numbered_at_once`). With nothing else to write (no attachments, no
    acknowledgement to queue, a category given so no routing decision to record) and no
    transaction around it, that statement is its own transaction: PostgreSQL commits it as it
    finishes. Two round trips fewer (BEGIN, COMMIT), and the agency's reference counter is held
    for the statement alone, not until this thread gets the interpreter lock back to commit.
    Everything before it only reads; a repeated Idempotency-Key fails the statement, which
    leaves nothing behind. The ORM path (SQLite, the first case of an agency's year) opens its
    own transaction."""
    return (
        connection.vendor == "postgresql"
        # Inside a caller's transaction the savepoint stays: a repeated key must not abort it.
        and not connection.in_atomic_block
        and category is not None
        and not attachments
        and not (acknowledge and contact)
    )


def _existing(idempotency_key: str | None, email_message_id: str | None) -> Case | None:
    if not idempotency_key and not email_message_id:
        return None
    q = Q(pk__in=[])
    if idempotency_key:
        q |= Q(idempotency_key=idempotency_key)
    if email_message_id:
        q |= Q(email_message_id=email_message_id)
    case = Case.objects.select_related("agency", "category").filter(q).first()
    if case is not None:
        case.created = False
    return case


def _case_create(*, agency, kind, channel, description, subject, category, language,
                 contact_name, contact_email, contact_phone, address, latitude, longitude,
                 priority, site, attachments, idempotency_key, email_message_id, received_at,
                 actor, acknowledge) -> Case:  # fmt: skip
    if kind not in _KINDS:
        raise ValidationFailed(_("Choose what kind of feedback this is."), code="kind")
    if channel not in _CHANNELS:
        raise ValidationFailed(_("Unknown channel."), code="channel")
    if priority not in _PRIORITIES:
        raise ValidationFailed(_("Priority must be 1 to 4."), code="priority")
    description = _check_text(description, _LABELS["description"], 10000)
    if not description:
        raise ValidationFailed(_("Tell us what happened."), code="description")
    if category is not None and (category.agency_id != agency.id or not category.is_active):
        raise ValidationFailed(_("That category does not belong to this agency."), code="category")
    if site is not None and site.agency_id != agency.id:
        raise ValidationFailed(_("That site does not belong to this agency."), code="site")
    if (latitude is None) != (longitude is None):
        raise ValidationFailed(_("Give both latitude and longitude, or neither."), code="location")
    if latitude is not None and not (
        -90 <= float(latitude) <= 90 and -180 <= float(longitude) <= 180
    ):
        raise ValidationFailed(_("That location is not on Earth."), code="location")
    if contact_email:
        try:
            validate_email(contact_email.strip())
        except DjangoValidationError as exc:
            raise ValidationFailed(
                _("Enter an email address like name@example.com."), code="contact_email"
            ) from exc
    if (contact_phone or "").strip() and not phone_is_valid(contact_phone):
        raise ValidationFailed(
            _("Enter a mobile number like +852 9123 4567."), code="contact_phone"
        )
    checked = attachments_check(attachments)
    at = received_at or now()
    given_subject = subject
    subject = _check_text(subject, _LABELS["subject"], 200) or subject_from_description(description)
    routed = None
    if category is None:
        # A category the citizen picked wins; without one a sure model beats the keyword rules.
        # The text as the model learned it from past cases (routing_examples).
        routed = auto_route(agency=agency, text=f"{subject}\n{description}", kind=kind,
                            channel=channel, location=site.code if site else "")  # fmt: skip
        category = category_from_rules(agency=agency, text=f"{given_subject} {description}")
        if routed is not None and category and category.department_id != routed.department_id:
            category = None  # the rule's guess disagrees with the sure model: staff pick one
    case = Case(
        agency=agency,
        kind=kind,
        channel=channel,
        category=category,
        department_id=routed.department_id
        if routed is not None
        else (category.department_id if category is not None else None),
        site=site,
        language=language or "en",
        subject=subject,
        description=description,
        contact_name=name_check(contact_name),
        contact_email=_check_text(contact_email, _LABELS["email"], 254).lower(),
        contact_phone=_check_text(contact_phone, _LABELS["phone"], 30),
        address=_check_text(address, _LABELS["address"], 300),
        latitude=round(Decimal(str(latitude)), 6) if latitude is not None else None,
        longitude=round(Decimal(str(longitude)), 6) if longitude is not None else None,
        priority=priority,
        received_at=at,
        idempotency_key=idempotency_key or None,
        email_message_id=email_message_id or None,
    )
    clock_start(case=case, at=at)
    if case.department_id is not None:
        department = category.department if routed is None else Department(pk=routed.department_id)
        assignee = pick_assignee(department=department, at=at, tz=zone_of(agency))
        if assignee is not None:
            case.assignee, case.assigned_at = assignee, at
    case.possible_duplicate_of = find_possible_duplicate(case=case)
    # The number is taken as late as possible: the counter row stays locked from numbering
    # until this transaction commits, and concurrent intakes of the agency queue on that lock,
    # so as little as possible runs after it (what shows the reference: attachments' paths, the
    # acknowledgement). A repeated Idempotency-Key fails on the insert and takes no number.
    message = CaseMessage(
        case=case,
        kind=MessageKind.FROM_CITIZEN,
        body=description,
        author=None,
        author_label=case.contact_name or _("Citizen"),
        at=at,
        email_message_id=email_message_id or None,
    )
    event = case_event_new(
        case=case,
        actor=actor,
        action="created",
        data={"channel": channel, "assignee": case.assignee_id},
    )
    entry = audit_entry_new(actor=actor, action="case.create", target=case, agency=agency,
                            data={"channel": channel, "kind": kind})  # fmt: skip
    if not (
        connection.vendor == "postgresql" and _insert_numbered_at_once(case, message, event, entry)
    ):
        # Inside case_create's transaction, or its own when the case came without one.
        with transaction.atomic(savepoint=False):
            case.reference = _placeholder_reference()
            case.save(force_insert=True)
            message.save(force_insert=True)
            event.save(force_insert=True)
            case_number(case=case)
            _entry_names_case(entry, case)
            entry.save(force_insert=True)
    audit_written()
    attachments_save(case=case, message=message, checked=checked)
    if routed is not None:
        auto_route_record(case=case, decision=routed)
    if acknowledge and case.contact:
        case_acknowledge_to_citizen(case=case)
    return case


def case_acknowledge_to_citizen(*, case: Case) -> None:
    """The automatic acknowledgement: the reference, the promise, the tracking link."""
    with override(case.language):
        if case.reply_due_at is not None:
            # Written as the tracking page writes it, in her language (2026年12月14日).
            due = case.reply_due_at.astimezone(zone_of(case.agency)).date()
            promise = _("We will reply by %(date)s.") % {"date": date_format(due, "j F Y")}
        else:
            promise = _("Thank you for taking the time to tell us.")
        body = _("We have received your %(kind)s about “%(subject)s”. %(promise)s") % {
            "kind": case.get_kind_display().lower(),
            "subject": case.subject,
            "promise": promise,
        }
        # Who "we" are: the email comes from the system's address, not the agency's.
        holder = _("%(agency)s has your case.") % {"agency": case.agency.display_name}
        body = f"{body}\n\n{holder}"
        subject = _("We have received your message")
    # No dedupe key: case_create is idempotent, so this runs once per case.
    tell_citizen(case=case, body=body, subject=subject)


def case_citizen_add(
    *,
    case: Case,
    body: str,
    attachments: list[AttachmentIn] | None = None,
    email_message_id: str | None = None,
    channel: str = IntakeChannel.WEB,
) -> CaseMessage:
    """The citizen of `case` adds information (its tracking page, or an email in its thread):
    stored on the case, and a paused clock restarts.

    A merged case's citizen writes on the case it was (finally) merged into, the message marked
    with their own reference and name, so that it stays theirs there: the other citizens of
    that case never see it (`selectors.citizen_conversation`), and staff see whose it is."""
    from civicdesk.cases.selectors import case_merged_root  # selectors imports services

    with transaction.atomic():
        own = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        case = case_merged_root(own, lock=True)
        body = _check_text(body, _("Your message"), 10000)
        if not body:
            raise ValidationFailed(_("Write what you want to add."), code="body")
        from civicdesk.cases.services.work import can_reopen  # work imports this module

        finished_long_ago = case.status == CaseStatus.RESOLVED and not can_reopen(case)
        if case.status == CaseStatus.CLOSED or finished_long_ago:
            raise Conflict(
                _("This case is closed. Start a new one and mention %(ref)s.")
                % {"ref": case.reference},
                code="case_closed",
            )
        checked = attachments_check(attachments or [])
        message = CaseMessage.objects.create(
            case=case,
            kind=MessageKind.FROM_CITIZEN,
            body=body,
            author_label=own.contact_name or _("Citizen"),
            original_reference=own.reference if own.pk != case.pk else "",
            at=now(),
            email_message_id=email_message_id or None,
        )
        attachments_save(case=case, message=message, checked=checked)
        case_event(case=case, actor=None, action="citizen_added", data={"channel": channel})
        # Only the citizen we are waiting for restarts the clock: another citizen of a merged
        # case writing in does not answer our question to this one.
        if case.status == CaseStatus.AWAITING_CITIZEN and own.pk == case.pk:
            with override(settings.LANGUAGE_CODE):  # shown in the reader's: history_shown
                text = _(NOTE_CITIZEN_REPLIED)
            case_transition(case=case, target=CaseStatus.IN_PROGRESS, actor=None, text=text)
        elif case.status == CaseStatus.RESOLVED:
            # Within the reopen window: news on a resolved case ("it is back") reopens it, so
            # that it is in the open queue again rather than unread on a finished case.
            with override(settings.LANGUAGE_CODE):
                text = _(NOTE_CITIZEN_WROTE_AFTER_RESOLVED)
            case_transition(case=case, target=CaseStatus.IN_PROGRESS, actor=None, text=text)
        case.save()
        audit_record(
            actor=None,
            action="case.citizen_add",
            target=case,
            agency=case.agency,
            data={"message": message.pk, "channel": channel},
        )
    return message
