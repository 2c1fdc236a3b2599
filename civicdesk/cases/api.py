"""The cases JSON API, mounted at /api/v1/cases/."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import APIKeyHeader, SessionAuth

from civicdesk.cases import lookups, selectors, services
from civicdesk.cases.inbound import inbound_email_accept
from civicdesk.cases.models import Case, Category, IntakeKey, MessageKind
from civicdesk.cases.services.common import require_case
from civicdesk.core.errors import NotAllowed, NotFound, ValidationFailed
from civicdesk.organisations.models import Agency, StaffProfile

router = Router(tags=["cases"])


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class IntakeKeyAuth(APIKeyHeader):
    """A machine client (a chatbot, the benchmark, a mail gateway) sends X-Api-Key."""

    param_name = "X-Api-Key"

    def authenticate(self, request, key):
        if not key:
            return None
        return lookups.intake_key_active(hash_key(key))


class StaffSessionAuth(SessionAuth):
    """A signed-in staff member (CSRF-checked). Without a session cookie it does not apply, so a
    request with no credentials at all gets 401, not a puzzling CSRF 403."""

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)


intake_auth = [IntakeKeyAuth(), StaffSessionAuth()]


# --- schemas --------------------------------------------------------------------------------
class AttachmentUpload(Schema):
    filename: str = Field(..., max_length=150)
    content_base64: str


class CaseIn(Schema):
    agency: str | None = Field(None, description="Agency code; defaults to the API key's agency")
    kind: str = Field(
        "enquiry", description="enquiry | complaint | compliment | suggestion | service_request"
    )
    channel: str = Field(
        "web", description="web | email | phone | counter | chat | open311 | social"
    )
    category: str | None = Field(None, description="Category code of the agency")
    subject: str = Field("", max_length=200)
    description: str = Field(..., min_length=1, max_length=10000)
    language: str = Field("en", max_length=10)
    contact_name: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=30)
    address: str = Field("", max_length=300)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    priority: int = Field(2, ge=1, le=4)
    attachments: list[AttachmentUpload] = Field(default_factory=list, max_length=10)


class CaseOut(Schema):
    reference: str
    agency: str
    agency_name: str
    kind: str
    channel: str
    category: str | None
    department: str | None
    assignee: str | None
    status: str
    priority: int
    language: str
    subject: str
    description: str
    contact_name: str
    contact_email: str
    contact_phone: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    received_at: datetime
    acknowledge_due_at: datetime | None
    interim_due_at: datetime | None
    reply_due_at: datetime | None
    acknowledged_at: datetime | None
    replied_at: datetime | None
    paused: bool
    breached_at: datetime | None
    transfer_count: int
    possible_duplicate_of: str | None
    merged_into: str | None
    coordinating_case: str | None
    next_due_at: datetime | None = Field(
        description="When the next clock runs out, as the staff queue sorts by it; null while "
        "no clock runs (paused waiting for the citizen, finished, or everything owed sent)"
    )
    next_due_clock: Literal["acknowledgement", "reply"] | None = Field(
        description="Which clock next_due_at belongs to: acknowledgement or reply; null with it"
    )

    @staticmethod
    def from_case(case: Case) -> CaseOut:
        return CaseOut(
            reference=case.reference,
            agency=case.agency.code,
            agency_name=case.agency.name,
            kind=case.kind,
            channel=case.channel,
            category=case.category.code if case.category_id else None,
            department=case.department.code if case.department_id else None,
            assignee=case.assignee.display_name if case.assignee_id else None,
            status=case.status,
            priority=case.priority,
            language=case.language,
            subject=case.subject,
            description=case.description,
            contact_name=case.contact_name,
            contact_email=case.contact_email,
            contact_phone=case.contact_phone,
            address=case.address,
            latitude=case.latitude,
            longitude=case.longitude,
            received_at=case.received_at,
            acknowledge_due_at=case.acknowledge_due_at,
            interim_due_at=case.interim_due_at,
            reply_due_at=case.reply_due_at,
            acknowledged_at=case.acknowledged_at,
            replied_at=case.replied_at,
            paused=case.paused_at is not None,
            breached_at=case.breached_at,
            transfer_count=case.transfer_count,
            possible_duplicate_of=_ref(case, "possible_duplicate_of"),
            merged_into=_ref(case, "merged_into"),
            coordinating_case=_ref(case, "coordinating_case"),
            # Annotated by the selectors (`selectors.with_next_due`): the queue's own rule.
            next_due_at=case.next_due_at,
            next_due_clock=case.next_due_clock,
        )


def _ref(case: Case, field: str) -> str | None:
    if getattr(case, f"{field}_id") is None:
        return None
    return getattr(case, field).reference


class CaseCreatedOut(Schema):
    reference: str
    agency: str
    status: str
    received_at: datetime
    acknowledge_due_at: datetime | None
    reply_due_at: datetime | None
    possible_duplicate_of: str | None
    created: bool


class MessageOut(Schema):
    kind: str
    body: str
    author: str
    at: datetime
    original_reference: str


class EventOut(Schema):
    action: str
    actor: str
    at: datetime
    text: str
    data: dict


class CaseDetailOut(CaseOut):
    messages: list[MessageOut]
    events: list[EventOut]


class CategoryOut(Schema):
    agency: str
    code: str
    name: str
    name_zh: str
    department: str
    acknowledge_within_hours: int
    reply_within_days: int


class StatusIn(Schema):
    status: str
    note: str = Field("", max_length=5000)


class ReplyIn(Schema):
    body: str = Field(..., min_length=1, max_length=10000)
    interim: bool = False
    then_status: str | None = None
    also_to: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="References of cases merged into this one whose citizens also get this "
        "reply (each their own email; see GET …/reply-recipients)",
    )


class NoteIn(Schema):
    body: str = Field(..., min_length=1, max_length=10000)


class AssignIn(Schema):
    assignee: str | None = Field(None, description="Username of an officer of the agency")
    category: str | None = None
    automatic: bool = False
    reason: str = Field("", max_length=2000)


class TransferIn(Schema):
    to_agency: str
    reason: str = Field(..., min_length=1, max_length=2000)
    category: str | None = None


class MergeIn(Schema):
    into: str = Field(..., description="Reference of the case to keep")


class NotDuplicateIn(Schema):
    reason: str = Field("", max_length=500, description="Why it is a different matter")


class InboundOut(Schema):
    reference: str
    created: bool
    duplicate: bool


class ErrorOut(Schema):
    detail: str
    code: str


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- helpers --------------------------------------------------------------------------------
def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=(code or "").upper(), is_active=True).first()
    if agency is None:
        raise ValidationFailed(f"Unknown agency {code!r}.", code="agency")
    return agency


def _category(agency: Agency, code: str | None) -> Category | None:
    if not code:
        return None
    category = lookups.category_active(agency, code)
    if category is None:
        raise ValidationFailed(f"Unknown category {code!r} for {agency.code}.", code="category")
    return category


def _decode(items: list[AttachmentUpload]) -> list[services.AttachmentIn]:
    result = []
    for item in items:
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed(
                f"{item.filename}: content_base64 is not valid base64.", code="attachment"
            ) from exc
        result.append(services.AttachmentIn(filename=item.filename, content=content))
    return result


def _actor(request: HttpRequest):
    return request.auth if not isinstance(request.auth, IntakeKey) else None


def _get(request: HttpRequest, reference: str) -> Case:
    if isinstance(request.auth, IntakeKey):
        raise NotAllowed("An intake key can create cases, not read them.")
    return selectors.case_get(user=request.user, reference=reference)


# --- endpoints ------------------------------------------------------------------------------
@router.post("/", response={201: CaseCreatedOut, 200: CaseCreatedOut, **ERRORS}, auth=intake_auth)
def create_case(request: HttpRequest, payload: CaseIn):
    """Create a case. Send an `Idempotency-Key` header: the same key twice gives one case
    (201 the first time, 200 with the same reference after)."""
    key_agency = request.auth.agency if isinstance(request.auth, IntakeKey) else None
    if key_agency is not None and payload.agency and payload.agency.upper() != key_agency.code:
        raise NotAllowed("This API key belongs to another agency.")
    if key_agency is None and not payload.agency:
        raise ValidationFailed("Say which agency the case is for.", code="agency")
    agency = key_agency or _agency(payload.agency)
    idempotency = request.headers.get("Idempotency-Key", "").strip()[:150] or None
    case = services.case_create(
        agency=agency,
        kind=payload.kind,
        channel=payload.channel,
        category=_category(agency, payload.category),
        subject=payload.subject,
        description=payload.description,
        language=payload.language,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        contact_phone=payload.contact_phone,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        priority=payload.priority,
        attachments=_decode(payload.attachments),
        idempotency_key=f"{agency.code}:{idempotency}" if idempotency else None,
        actor=_actor(request),
    )
    out = CaseCreatedOut(
        reference=case.reference,
        agency=case.agency.code,
        status=case.status,
        received_at=case.received_at,
        acknowledge_due_at=case.acknowledge_due_at,
        reply_due_at=case.reply_due_at,
        possible_duplicate_of=case.possible_duplicate_of.reference
        if case.possible_duplicate_of_id
        else None,
        created=case.created,
    )
    return Status(201 if case.created else 200, out)


class CasePageOut(Schema):
    count: int
    items: list[CaseOut]


@router.get("/", response={200: CasePageOut, **ERRORS})
def list_cases(
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    category: str = "",
    due: str = "",
    q: str = "",
    sort: Literal["due", "newest", "oldest", "priority"] = "due",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Cases you may see. `due`: soon | breached. `status`: open or one status. `sort`: due (the
    next clock to run out first: the acknowledgement while it is owed, then the reply; with `q`,
    the best matches first), newest, oldest (received) or priority (highest first)."""
    if isinstance(request.auth, IntakeKey):
        raise NotAllowed("An intake key can create cases, not read them.")
    qs = selectors.case_list(
        user=request.user, status=status, kind=kind, category=category, due=due, query=q,
        sort=sort,
    ).select_related("possible_duplicate_of", "merged_into", "coordinating_case")  # fmt: skip
    return CasePageOut(
        count=qs.count(), items=[CaseOut.from_case(c) for c in qs[offset : offset + limit]]
    )


@router.get("/categories", response=list[CategoryOut], auth=None)
def list_categories(request: HttpRequest, agency: str = ""):
    """Public: the categories each agency handles, with their service standard."""
    return [
        CategoryOut(
            agency=c.agency.code,
            code=c.code,
            name=c.name,
            name_zh=c.name_zh,
            department=c.department.code,
            acknowledge_within_hours=c.standard.acknowledge_within_hours,
            reply_within_days=c.standard.reply_within_days,
        )
        for c in selectors.category_list_public(agency_code=agency.upper())
    ]


@router.post("/inbound-email", response={201: InboundOut, 200: InboundOut, **ERRORS},
             auth=[IntakeKeyAuth()])  # fmt: skip
def inbound_email(request: HttpRequest):
    """Post one raw RFC 822 message as the request body (Content-Type: message/rfc822)."""
    result = inbound_email_accept(raw=request.body, default_agency=request.auth.agency)
    out = InboundOut(
        reference=result.case.reference, created=result.created, duplicate=result.duplicate
    )
    return Status(201 if result.created else 200, out)


@router.get("/{reference}", response={200: CaseDetailOut, **ERRORS})
def get_case(request: HttpRequest, reference: str):
    case = _get(request, reference)
    related = selectors.case_detail_related(case)
    base = CaseOut.from_case(case).dict()
    return CaseDetailOut(
        **base,
        messages=[
            MessageOut(
                kind=m.kind,
                body=m.body,
                author=m.author_label,
                at=m.at,
                original_reference=m.original_reference,
            )
            for m in related["messages"]
        ],
        events=[
            EventOut(action=e.action, actor=e.actor_label, at=e.at, text=e.text, data=e.data)
            for e in related["events"]
        ],
    )


@router.post("/{reference}/status", response={200: CaseOut, **ERRORS})
def set_status(request: HttpRequest, reference: str, payload: StatusIn):
    case = services.case_set_status(
        case=_get(request, reference), actor=request.user, status=payload.status, note=payload.note
    )
    return CaseOut.from_case(selectors.case_get(user=request.user, reference=case.reference))


class RecipientOut(Schema):
    reference: str
    name: str
    contact: str
    language: str


@router.get("/{reference}/reply-recipients", response={200: list[RecipientOut], **ERRORS})
def reply_recipients(request: HttpRequest, reference: str):
    """The citizens of cases merged into this one whom a reply can also reach (`also_to`):
    for those who may reply on the case (an agency that transferred it away may still read it,
    not its citizens' contact details)."""
    case = _get(request, reference)
    require_case(request.user, case)
    return [
        RecipientOut(
            reference=c.reference, name=c.contact_name, contact=c.contact, language=c.language
        )
        for c in selectors.merged_recipients(case)
    ]


@router.post("/{reference}/reply", response={200: CaseOut, **ERRORS})
def reply(request: HttpRequest, reference: str, payload: ReplyIn):
    case = _get(request, reference)
    services.case_reply(case=case, actor=request.user, body=payload.body,
                        interim=payload.interim, then_status=payload.then_status,
                        also_to=payload.also_to)  # fmt: skip
    return CaseOut.from_case(selectors.case_get(user=request.user, reference=case.reference))


@router.post("/{reference}/notes", response={200: MessageOut, **ERRORS})
def add_note(request: HttpRequest, reference: str, payload: NoteIn):
    note = services.case_note_add(case=_get(request, reference), actor=request.user,
                                  body=payload.body)  # fmt: skip
    return MessageOut(kind=MessageKind.NOTE, body=note.body, author=note.author_label, at=note.at,
                      original_reference="")  # fmt: skip


@router.post("/{reference}/assign", response={200: CaseOut, **ERRORS})
def assign(request: HttpRequest, reference: str, payload: AssignIn):
    case = _get(request, reference)
    assignee = None
    if payload.assignee:
        assignee = StaffProfile.objects.filter(
            user__username=payload.assignee, agency_id=case.agency_id
        ).first()
        if assignee is None:
            raise ValidationFailed(
                f"No officer {payload.assignee!r} in this agency.", code="assignee"
            )
    services.case_assign(
        case=case,
        actor=request.user,
        assignee=assignee,
        category=_category(case.agency, payload.category),
        automatic=payload.automatic,
        reason=payload.reason,
    )
    return CaseOut.from_case(selectors.case_get(user=request.user, reference=case.reference))


@router.post("/{reference}/transfer", response={200: CaseCreatedOut, **ERRORS})
def transfer(request: HttpRequest, reference: str, payload: TransferIn):
    case = _get(request, reference)
    to_agency = _agency(payload.to_agency)
    case = services.case_transfer(
        case=case,
        actor=request.user,
        to_agency=to_agency,
        reason=payload.reason,
        category=_category(to_agency, payload.category),
    )
    return CaseCreatedOut(
        reference=case.reference, agency=case.agency.code, status=case.status,
        received_at=case.received_at, acknowledge_due_at=case.acknowledge_due_at,
        reply_due_at=case.reply_due_at, possible_duplicate_of=None, created=False,
    )  # fmt: skip


@router.post("/{reference}/merge", response={200: CaseOut, **ERRORS})
def merge(request: HttpRequest, reference: str, payload: MergeIn):
    source = _get(request, reference)
    target = _get(request, payload.into)
    services.case_merge(source=source, target=target, actor=request.user)
    return CaseOut.from_case(selectors.case_get(user=request.user, reference=target.reference))


@router.post("/{reference}/not-duplicate", response={200: CaseOut, **ERRORS})
def not_duplicate(request: HttpRequest, reference: str, payload: NotDuplicateIn):
    """Remove the possible-duplicate flag: staff looked and it is a different matter."""
    case = _get(request, reference)
    services.case_dismiss_duplicate(case=case, actor=request.user, reason=payload.reason)
    return CaseOut.from_case(selectors.case_get(user=request.user, reference=case.reference))


__all__ = ["NotFound", "router"]
