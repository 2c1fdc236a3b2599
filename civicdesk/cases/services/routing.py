"""No wrong door: transfers between agencies, coordinated parts, referrals, merges, breaches."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from civicdesk.audit.services import audit_record
from civicdesk.cases.clock import breach_of, clock_start, due_after_pauses
from civicdesk.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseAttachment,
    CaseMessage,
    CaseStatus,
    CaseTransfer,
    Category,
    ReferralBody,
)
from civicdesk.cases.services.common import require_case, tell_citizen
from civicdesk.cases.services.intake import case_create, pick_assignee
from civicdesk.cases.services.work import _locked, _who
from civicdesk.cases.workflows import case_event, case_transition
from civicdesk.core.clock import now
from civicdesk.core.errors import Conflict, ValidationFailed
from civicdesk.core.text import sentences
from civicdesk.core.zones import zone_of
from civicdesk.notify.services import notify_enqueue
from civicdesk.organisations.calendar import agency_calendar
from civicdesk.organisations.models import Agency, StaffProfile
from civicdesk.organisations.roles import Role

BOUNCE_LIMIT = 2  # more transfers than this puts a case on the QSM's list


@transaction.atomic
def case_transfer(
    *, case: Case, actor, to_agency: Agency, reason: str, category: Category | None = None
) -> Case:
    """Hand a case to another agency. Same reference; the citizen is told who holds it now."""
    case = _locked(case)
    require_case(actor, case)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the case belongs to the other agency."), code="reason")
    if to_agency.pk == case.agency_id:
        raise ValidationFailed(_("The case is already with this agency."), code="to_agency")
    if not case.is_open:
        raise Conflict(_("Only an open case can be transferred."), code="not_open")
    if category is not None and category.agency_id != to_agency.pk:
        raise ValidationFailed(_("Pick a category of the receiving agency."), code="category")
    from_agency = case.agency
    CaseTransfer.objects.create(
        case=case, from_agency=from_agency, to_agency=to_agency, reason=reason, actor=actor
    )
    case.agency = to_agency
    case.category = category
    case.department = category.department if category is not None else None
    case.site = None
    case.transfer_count += 1
    # The citizen's promise still counts from when they first wrote, now by the new holder;
    # the time it stood still waiting for the citizen still does not count.
    paused_seconds = case.paused_seconds
    clock_start(case=case, at=case.clock_started_at or case.received_at)
    if paused_seconds:
        calendar, paused = agency_calendar(to_agency), timedelta(seconds=paused_seconds)
        for field in ("reply_due_at", "interim_due_at"):
            if getattr(case, field) is not None:
                setattr(case, field, due_after_pauses(calendar, getattr(case, field), paused))
        case.paused_seconds = paused_seconds
    picked = (
        pick_assignee(department=case.department, at=now(), tz=zone_of(case.agency))
        if case.department
        else None
    )
    case.assignee, case.assigned_at = picked, (now() if picked else None)
    case.save()
    case_event(
        case=case,
        actor=actor,
        action="transferred",
        text=reason,
        data={"from": from_agency.code, "to": to_agency.code},
    )
    with override(case.language):
        parts = [
            _(
                "Your case %(ref)s is now with %(agency)s, who can act on it. You keep the same "
                "reference and do not need to write again."
            )
            % {"ref": case.reference, "agency": to_agency.display_name}
        ]
        if case.reply_due_at is not None and case.paused_at is None:
            # The new holder's promise, which the tracking page now shows.
            due = case.reply_due_at.astimezone(zone_of(to_agency)).date()
            parts.append(_("They will reply by %(date)s.") % {"date": date_format(due, "j F Y")})
        if to_agency.email:
            parts.append(_("Their contact: %(email)s.") % {"email": to_agency.email})
        body = sentences(*parts)
        subject = _("Your case has moved to %(agency)s") % {"agency": to_agency.display_name}
    tell_citizen(case=case, body=body, subject=subject, author=actor,
                 author_label=f"{_who(actor)}, {from_agency.name}")  # fmt: skip
    data = {"from": from_agency.code, "to": to_agency.code, "reason": reason}
    audit_record(actor=actor, action="case.transfer", target=case, agency=from_agency, data=data)
    audit_record(actor=actor, action="case.transfer_in", target=case, agency=to_agency, data=data)
    return case


@transaction.atomic
def case_add_part(
    *, case: Case, actor, agency: Agency, category: Category | None = None, note: str = ""
) -> Case:
    """A complaint that spans agencies: this case coordinates, a linked part goes to `agency`."""
    case = _locked(case)
    require_case(actor, case)
    if case.coordinating_case_id is not None:
        raise Conflict(_("Add parts to the coordinating case."), code="part_case")
    if agency.pk == case.agency_id:
        raise ValidationFailed(_("A part goes to another agency."), code="agency")
    if case.parts.filter(agency=agency).exists():
        raise Conflict(_("That agency already has a part of this case."), code="duplicate_part")
    if category is not None and category.agency_id != agency.pk:
        raise ValidationFailed(_("Pick a category of that agency."), code="category")
    part = case_create(
        agency=agency,
        kind=case.kind,
        channel=case.channel,
        subject=case.subject,
        description=f"{note}\n\n{case.description}".strip() if note else case.description,
        category=category,
        language=case.language,
        contact_name=case.contact_name,
        contact_email=case.contact_email,
        contact_phone=case.contact_phone,
        address=case.address,
        latitude=case.latitude,
        longitude=case.longitude,
        priority=case.priority,
        received_at=case.received_at,
        acknowledge=False,  # one voice to the citizen: the coordinating agency's
    )
    part.coordinating_case = case
    part.possible_duplicate_of = None
    part.save(update_fields=["coordinating_case", "possible_duplicate_of"])
    case_event(case=case, actor=actor, action="part_added", text=note,
               data={"part": part.reference, "agency": agency.code})  # fmt: skip
    case_event(case=part, actor=actor, action="part_of", text=note,
               data={"coordinating": case.reference})  # fmt: skip
    audit_record(actor=actor, action="case.add_part", target=case, agency=case.agency,
                 data={"part": part.reference, "agency": agency.code})  # fmt: skip
    return part


@transaction.atomic
def case_refer(*, case: Case, actor, body: ReferralBody, note: str = "") -> Case:
    """Outside every participating agency: give the citizen the right body's contact details."""
    case = _locked(case)
    require_case(actor, case)
    if not case.is_open:
        raise Conflict(_("Only an open case can be referred."), code="not_open")
    with override(case.language):
        lines = [
            _(
                "This matter is handled by %(name)s, not by any of our agencies. You can contact them:"
            )
            % {"name": body.name}
        ]
        for label, value in ((_("Email"), body.email), (_("Phone"), body.phone),
                             (_("Website"), body.website)):  # fmt: skip
            if value:
                lines.append(f"{label}: {value}")
        if note:
            lines.append(note)
        text = "\n".join(lines)
        subject = _("Who can help with your request")
    tell_citizen(case=case, body=text, subject=subject, author=actor,
                 author_label=f"{_who(actor)}, {case.agency.name}")  # fmt: skip
    case.replied_at = case.replied_at or now()
    case_event(case=case, actor=actor, action="referred", text=body.name)
    case_transition(case=case, target=CaseStatus.RESOLVED, actor=actor,
                    text=_("Referred to %(name)s.") % {"name": body.name})  # fmt: skip
    case.save()
    audit_record(actor=actor, action="case.refer", target=case, agency=case.agency,
                 data={"body": body.name})  # fmt: skip
    return case


@transaction.atomic
def case_merge(*, source: Case, target: Case, actor) -> Case:
    """Merge a duplicate into another case: every message moves (marked with the reference it
    was written under), and the duplicate's citizen is told to follow the case it joined."""
    if source.pk == target.pk:
        raise ValidationFailed(_("A case cannot be merged into itself."), code="same_case")
    source, target = _locked(source), _locked(target)
    _merge_check(source=source, target=target, actor=actor)
    CaseMessage.objects.filter(case=source, original_reference="").update(
        original_reference=source.reference
    )
    moved = CaseMessage.objects.filter(case=source).update(case=target)
    CaseAttachment.objects.filter(case=source).update(case=target)
    source.merged_into = target
    case_transition(case=source, target=CaseStatus.CLOSED, actor=actor,
                    text=_("Merged into %(ref)s.") % {"ref": target.reference})  # fmt: skip
    source.save()
    if target.possible_duplicate_of_id == source.pk:
        target.possible_duplicate_of = None
        target.save(update_fields=["possible_duplicate_of"])
    case_event(case=target, actor=actor, action="merged",
               data={"from": source.reference, "messages": moved})  # fmt: skip
    # Only the merged case's citizen has news: their case goes on under the target's reference
    # (which finds their part of it with their own email or phone: case_find_for_citizen).
    # The target's citizen keeps their case and reference as they were: no notice.
    if source.contact:
        with override(source.language):
            body = _(
                "We have joined your case %(source)s with case %(target)s, which is about the "
                "same matter, so that one team answers it. Follow it under %(target)s; nothing "
                "you sent us is lost."
            ) % {"source": source.reference, "target": target.reference}
            subject = _("Your case is now %(ref)s") % {"ref": target.reference}
        tell_citizen(case=source, body=body, subject=subject, author=actor,
                     author_label=f"{_who(actor)}, {target.agency.name}")  # fmt: skip
    # The notice is the source citizen's: it moves to the target marked with their reference.
    CaseMessage.objects.filter(case=source).update(case=target, original_reference=source.reference)
    audit_record(actor=actor, action="case.merge", target=target, agency=target.agency,
                 data={"source": source.reference, "target": target.reference})  # fmt: skip
    return target


def case_merge_check(*, source: Case, target: Case, actor) -> None:
    """Raise what `case_merge` would refuse, without merging: the case page asks the officer to
    confirm a merge only when it can be done (`case_merge` checks again, under the lock)."""
    if source.pk == target.pk:
        raise ValidationFailed(_("A case cannot be merged into itself."), code="same_case")
    _merge_check(source=source, target=target, actor=actor)


def _merge_check(*, source: Case, target: Case, actor) -> None:
    require_case(actor, target)
    if source.agency_id != target.agency_id:
        # Each agency answers for its own cases, so a merge stays within one: the holder of
        # the duplicate hands it over first (a transfer: same reference, the citizen is told),
        # and the receiving agency merges it. Which agency holds it is not said: the officer
        # may not be allowed to see that case.
        raise ValidationFailed(
            _(
                "%(source)s is with another agency. Ask it to transfer %(source)s to "
                "%(target_agency)s (the citizen keeps the reference), then merge it here."
            )
            % {"source": source.reference, "target_agency": target.agency.name},
            code="agency",
        )
    require_case(actor, source)
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise Conflict(_("One of these cases was already merged."), code="already_merged")
    if not source.is_open or not target.is_open:
        raise Conflict(_("Only open cases can be merged."), code="not_open")
    if target.coordinating_case_id is not None:
        # A part never replies to the citizen: the merged citizen would get no answer.
        raise Conflict(
            _("%(ref)s is a part of another case: merge into the coordinating case.")
            % {"ref": target.reference},
            code="part_case",
        )
    if source.parts.exists():
        raise Conflict(
            _("%(ref)s coordinates parts with other agencies: merge the other case into it.")
            % {"ref": source.reference},
            code="has_parts",
        )


@transaction.atomic
def case_dismiss_duplicate(*, case: Case, actor, reason: str = "") -> Case:
    """Staff looked and it is not a duplicate: the flag goes, with who said so and why. Intake is
    the only place that flags, so a dismissed case is not flagged again."""
    case = _locked(case)
    require_case(actor, case)
    if case.possible_duplicate_of_id is None:
        raise Conflict(_("This case is not flagged as a possible duplicate."), code="not_flagged")
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationFailed(_("Keep the reason under 500 characters."), code="reason_long")
    other = case.possible_duplicate_of
    case.possible_duplicate_of = None
    case.save(update_fields=["possible_duplicate_of", "updated_at"])
    case_event(case=case, actor=actor, action="duplicate_dismissed",
               text=_("Not a duplicate of %(ref)s.") % {"ref": other.reference}
               + (f" {reason}" if reason else ""),
               data={"of": other.reference})  # fmt: skip
    audit_record(actor=actor, action="case.duplicate_dismiss", target=case, agency=case.agency,
                 data={"of": other.reference, "reason": reason})  # fmt: skip
    return case


def cases_mark_breaches(*, limit: int = 1000) -> int:
    """Mark cases past their due time and escalate each once to its agency's QSMs by email."""
    at = now()
    candidates = (
        Case.objects.filter(
            status__in=OPEN_STATUSES, breached_at__isnull=True, paused_at__isnull=True
        )
        .filter(
            Q(acknowledged_at__isnull=True, acknowledge_due_at__lt=at)
            | Q(replied_at__isnull=True, reply_due_at__lt=at)
        )
        .select_related("agency")
        .order_by("reply_due_at")[:limit]
    )
    marked = 0
    for case in candidates:
        kind = breach_of(case, at)
        if kind is None:
            continue
        with transaction.atomic():
            locked = Case.objects.select_for_update(of=("self",)).filter(
                pk=case.pk, breached_at__isnull=True
            )
            if not locked.update(breached_at=at, breach_escalated_at=at):
                continue
            case_event(case=case, actor=None, action="breached", data={"promise": kind})
            audit_record(actor=None, action="case.breach", target=case, agency=case.agency,
                         data={"promise": kind})  # fmt: skip
            for qsm in StaffProfile.objects.filter(
                agency=case.agency, role=Role.QSM
            ).select_related("user"):
                if qsm.user.email:
                    notify_enqueue(
                        channel="email",
                        to=qsm.user.email,
                        subject=f"[{case.reference}] " + _("Service standard breached"),
                        body=_("Case %(ref)s has missed its %(promise)s deadline: %(subject)s")
                        % {"ref": case.reference, "promise": kind, "subject": case.subject},
                        dedupe_key=f"case:{case.reference}:breach:{qsm.pk}:{kind}",
                        agency=case.agency,
                        related=case,
                    )
        marked += 1
    return marked


def cases_remind_interim(*, limit: int = 500) -> int:
    """A case running long owes the citizen an interim reply: remind its officer once."""
    at = now()
    due = (
        Case.objects.filter(
            status__in=OPEN_STATUSES,
            paused_at__isnull=True,
            interim_due_at__lt=at,
            interim_replied_at__isnull=True,
            replied_at__isnull=True,
            assignee__isnull=False,
        )
        .select_related("agency", "assignee__user")
        .order_by("interim_due_at")[:limit]
    )
    reminded = 0
    for case in due:
        email = case.assignee.user.email
        if not email:
            continue
        with transaction.atomic():
            sent = notify_enqueue(
                channel="email",
                to=email,
                subject=f"[{case.reference}] " + _("An interim reply is due"),
                body=_(
                    "Case %(ref)s is running long. Tell the citizen where it stands (an interim "
                    "reply) so they are not left waiting: %(subject)s"
                )
                % {"ref": case.reference, "subject": case.subject},
                dedupe_key=f"case:{case.reference}:interim:{case.interim_due_at.isoformat()}",
                agency=case.agency,
                related=case,
            )
            if sent is not None:
                case_event(case=case, actor=None, action="interim_reminder")
                reminded += 1
    return reminded
