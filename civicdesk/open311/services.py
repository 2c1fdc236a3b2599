"""Open311 writes: a posted service request becomes a case; a posted update moves a case on."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.cases.models import (
    Case,
    CaseMessage,
    CaseStatus,
    Category,
    IntakeChannel,
    Kind,
    MessageKind,
)
from civicdesk.cases.services import AttachmentIn, case_create
from civicdesk.cases.services.intake import subject_from_description
from civicdesk.cases.services.work import can_reopen, reopen_window
from civicdesk.cases.workflows import CASE_WORKFLOW, case_event, case_transition
from civicdesk.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from civicdesk.open311.models import ApiKey, Datatype, ServiceAttribute, Submission, Update
from civicdesk.organisations.models import Agency

# Statuses a client may post: the specification's two, FixMyStreet's widely used extra ones,
# and civicdesk's own. None: "open" keeps an open case as it is and reopens a finished one.
UPDATE_STATUSES: dict[str, str | None] = {
    "open": None,
    "closed": CaseStatus.CLOSED,
    "fixed": CaseStatus.RESOLVED,
    "in_progress": CaseStatus.IN_PROGRESS,
    "investigating": CaseStatus.IN_PROGRESS,
    "action_scheduled": CaseStatus.IN_PROGRESS,
    "no_further_action": CaseStatus.CLOSED,
    "not_councils_responsibility": CaseStatus.CLOSED,
    "duplicate": CaseStatus.CLOSED,
    **{status: status for status in CaseStatus.values},
}
DESCRIPTION_MAX = 4000
ATTRIBUTE_MAX = 1000


@dataclass
class RequestIn:
    """What a client posted, already parsed from the form."""

    description: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    address: str = ""
    address_id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    # Files uploaded as `media`: stored on the case as attachments, with the web form's limits.
    media: list[AttachmentIn] = field(default_factory=list)


def attributes_check(*, category: Category, given: dict[str, list[str]]) -> dict[str, object]:
    """The answers to a service's questions, checked against its definition."""
    definitions = {a.code: a for a in category.open311_attributes.all()}
    unknown = sorted(set(given) - set(definitions))
    if unknown:
        raise ValidationFailed(
            _("Unknown attribute %(code)s for this service.") % {"code": unknown[0]},
            code="attribute",
        )
    answers: dict[str, object] = {}
    for code, attribute in definitions.items():
        values = [v.strip() for v in given.get(code, []) if v.strip()]
        if not attribute.variable:
            continue
        if not values:
            if attribute.required:
                raise ValidationFailed(
                    _("Attribute %(code)s is required.") % {"code": code}, code="attribute"
                )
            continue
        answers[code] = _attribute_value(attribute, values)
    return answers


def _attribute_value(attribute: ServiceAttribute, values: list[str]) -> object:
    code = attribute.code
    if any(len(v) > ATTRIBUTE_MAX for v in values):
        raise ValidationFailed(
            _("Attribute %(code)s is too long.") % {"code": code}, code="attribute"
        )
    if attribute.datatype == Datatype.MULTIVALUELIST:
        keys = attribute.value_keys()
        if any(v not in keys for v in values):
            raise ValidationFailed(
                _("Attribute %(code)s has a value that is not in its list.") % {"code": code},
                code="attribute",
            )
        return sorted(set(values))
    if len(values) > 1:
        raise ValidationFailed(
            _("Attribute %(code)s takes one value.") % {"code": code}, code="attribute"
        )
    value = values[0]
    if attribute.datatype == Datatype.SINGLEVALUELIST and value not in attribute.value_keys():
        raise ValidationFailed(
            _("Attribute %(code)s has a value that is not in its list.") % {"code": code},
            code="attribute",
        )
    if attribute.datatype == Datatype.NUMBER:
        try:
            number = Decimal(value)
        except ArithmeticError as exc:
            raise ValidationFailed(
                _("Attribute %(code)s must be a number.") % {"code": code}, code="attribute"
            ) from exc
        if not number.is_finite():
            raise ValidationFailed(
                _("Attribute %(code)s must be a number.") % {"code": code}, code="attribute"
            )
    if attribute.datatype == Datatype.DATETIME and parse_instant(value) is None:
        raise ValidationFailed(
            _("Attribute %(code)s must be a date and time like 2026-03-02T10:00:00Z.")
            % {"code": code},
            code="attribute",
        )
    return value


def parse_instant(value: str):
    try:
        return parse_datetime(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _description(category: Category, data: RequestIn, answers: dict[str, object]) -> str:
    """The case text staff read: the citizen's words, then the answers to the questions."""
    lines = [data.description.strip() or category.name]
    labels = {a.code: a for a in category.open311_attributes.all()}
    for code, value in answers.items():
        attribute = labels[code]
        names = attribute.value_keys()
        shown = (
            ", ".join(names.get(v, v) for v in value)
            if isinstance(value, list)
            else names.get(value, value)
        )
        lines.append(f"{attribute.description}: {shown}")
    return "\n".join(lines)


@transaction.atomic
def open311_request_create(
    *, api_key: ApiKey, category: Category, data: RequestIn, idempotency_key: str | None = None
) -> tuple[Case, Submission, bool]:
    """Store a posted service request as a case of kind service request, channel open311, with
    its uploaded media as the case's attachments (checked before anything is written).

    Idempotent on the client's Idempotency-Key: the same key again returns the first case and
    stores no second copy of its files.
    """
    if not api_key.may_act_for(category.agency_id):
        raise NotAllowed(_("This api_key may not post to that agency's services."))
    if len(data.description) > DESCRIPTION_MAX:
        raise ValidationFailed(
            _("description must be %(n)s characters or fewer.") % {"n": DESCRIPTION_MAX},
            code="description",
        )
    if data.lat is None and not data.address and not data.address_id:
        raise ValidationFailed(
            _("Give a location: lat and long, address_string or address_id."), code="location"
        )
    answers = attributes_check(category=category, given=data.attributes)
    case = case_create(
        agency=category.agency,
        kind=Kind.SERVICE_REQUEST,
        channel=IntakeChannel.OPEN311,
        category=category,
        description=_description(category, data, answers),
        subject=subject_from_description(data.description) or category.name,
        contact_name=f"{data.first_name.strip()} {data.last_name.strip()}".strip(),
        contact_email=data.email,
        contact_phone=data.phone,
        address=data.address or (f"address id {data.address_id}" if data.address_id else ""),
        latitude=data.lat,
        longitude=data.long,
        attachments=data.media,
        idempotency_key=f"open311:{api_key.pk}:{idempotency_key}" if idempotency_key else None,
    )
    if not case.created:
        submission = Submission.objects.filter(case=case).first()
        if submission is None:  # the key was first used through another channel
            raise Conflict(_("That Idempotency-Key was already used."), code="idempotency")
        return case, submission, False
    submission = Submission.objects.create(
        case=case,
        api_key=api_key,
        token=secrets.token_urlsafe(12),
        media_url=data.media_url,
        device_id=data.device_id,
        account_id=data.account_id,
        address_id=data.address_id,
        attributes=answers,
    )
    return case, submission, True


@transaction.atomic
def open311_update_create(
    *,
    api_key: ApiKey,
    reference: str,
    status: str,
    description: str = "",
    client_update_id: str,
    media_url: str = "",
) -> tuple[Update, bool]:
    """Another system posts a status change or a note to a case (servicerequestupdates)."""
    status_key = (status or "").strip().lower()
    if status_key not in UPDATE_STATUSES:
        raise ValidationFailed(
            _("Unknown status %(status)s; use open or closed.") % {"status": status},
            code="status",
        )
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(
            _("description must be %(n)s characters or fewer.") % {"n": DESCRIPTION_MAX},
            code="description",
        )
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency", "category__standard")
        .filter(reference=reference, kind=Kind.SERVICE_REQUEST)
        .first()
    )
    if case is None:
        raise _not_found(reference)
    if not api_key.may_act_for(case.agency_id):
        raise NotAllowed(_("This api_key may not update that agency's requests."))
    # Under the case's row lock, so the same update sent twice at once is stored once.
    existing = Update.objects.filter(api_key=api_key, client_update_id=client_update_id).first()
    if existing is not None:
        return existing, False
    if case.merged_into_id is not None:
        raise Conflict(_("This request was merged into another one."), code="merged")
    target = _target_status(case, status_key)
    label = f"Open311: {api_key.name}"
    if target is not None and target != case.status:
        CASE_WORKFLOW.check(case.status, target)
        event = case_transition(case=case, target=target, actor=None, text=description)
        event.actor_label = label
        event.data = {**event.data, "open311_client": api_key.name}
        event.save(update_fields=["actor_label", "data"])
    elif description:
        event = case_event(case=case, actor=None, action="open311_update", text=description,
                           data={"open311_client": api_key.name})  # fmt: skip
        event.actor_label = label
        event.save(update_fields=["actor_label"])
    else:
        raise ValidationFailed(_("Nothing to update: give a new status or a description."))
    if description:
        CaseMessage.objects.create(case=case, kind=MessageKind.NOTE, body=description,
                                   author_label=label)  # fmt: skip
    case.save()
    update = Update.objects.create(api_key=api_key, client_update_id=client_update_id, case=case,
                                   event=event, media_url=media_url)  # fmt: skip
    audit_record(
        actor=None,
        action="open311.update",
        target=case,
        agency=case.agency,
        data={"client": api_key.name, "status": case.status, "update": client_update_id},
    )
    return update, True


def _not_found(reference: str) -> NotFound:
    return NotFound(_("No service request %(id)s.") % {"id": reference})


def _target_status(case: Case, status_key: str) -> str | None:
    target = UPDATE_STATUSES[status_key]
    finished = case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
    if status_key == "open" or (target == CaseStatus.IN_PROGRESS and finished):
        if not finished:
            return None
        if not can_reopen(case):
            raise Conflict(
                _("This request was finished more than %(days)s days ago and cannot be reopened.")
                % {"days": reopen_window().days},
                code="reopen_window",
            )
        return CaseStatus.IN_PROGRESS
    return target


@transaction.atomic
def api_key_create(*, name: str, agency: Agency | None, key: str | None = None, actor=None):
    """A new client key; returns (ApiKey, the key in clear, shown once)."""
    key = key or secrets.token_urlsafe(32)
    api_key = ApiKey(name=name, agency=agency)
    api_key.set_key(key)
    if ApiKey.objects.filter(key_hash=api_key.key_hash).exists():
        raise Conflict(_("That key already exists."), code="key_exists")
    api_key.save()
    audit_record(actor=actor, action="open311.key_create", target=api_key, agency=agency,
                 data={"name": name})  # fmt: skip
    return api_key, key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor=None) -> ApiKey:
    api_key.is_active = False
    api_key.save(update_fields=["is_active"])
    audit_record(actor=actor, action="open311.key_revoke", target=api_key, agency=api_key.agency)
    return api_key
