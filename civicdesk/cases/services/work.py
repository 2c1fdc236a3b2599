"""What staff do to a case: status, reply, notes, assignment. Each atomic and audited."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from civicdesk.audit.services import audit_record
from civicdesk.cases.models import Case, CaseMessage, CaseStatus, Category, MessageKind
from civicdesk.cases.services.common import (
    AttachmentIn,
    attachments_check,
    attachments_save,
    require_case,
    tell_citizen,
)
from civicdesk.cases.services.intake import pick_assignee
from civicdesk.cases.workflows import CASE_WORKFLOW, case_event, case_transition
from civicdesk.core.clock import now
from civicdesk.core.errors import Conflict, ValidationFailed
from civicdesk.core.zones import zone_of
from civicdesk.organisations.models import StaffProfile
from civicdesk.surveys.integration import invite_after_case


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency", "category__standard", "department", "assignee")
        .get(pk=case.pk)
    )


def reopen_window() -> timedelta:
    return timedelta(days=getattr(settings, "CIVICDESK_CASE_REOPEN_DAYS", 30))


def can_reopen(case: Case) -> bool:
    """Whether a finished case is still within the reopen window (an open one always is)."""
    finished = case.resolved_at or case.closed_at
    return finished is None or now() - finished <= reopen_window()


@transaction.atomic
def case_set_status(*, case: Case, actor, status: str, note: str = "") -> Case:
    """A staff status action (acknowledge, start, wait for citizen, resolve, close, reopen)."""
    case = _locked(case)
    require_case(actor, case)
    if status not in CaseStatus.values:
        raise ValidationFailed(_("Unknown status."), code="status")
    finished = case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
    if status == CaseStatus.IN_PROGRESS and finished and not can_reopen(case):
        raise Conflict(
            _("This case was finished more than %(days)s days ago and cannot be reopened.")
            % {"days": reopen_window().days},
            code="reopen_window",
        )
    if case.merged_into_id is not None:
        raise Conflict(_("This case was merged; work on the case it was merged into."))
    previous = case.status
    case_transition(case=case, target=status, actor=actor, text=note)
    if note:
        CaseMessage.objects.create(
            case=case, kind=MessageKind.NOTE, body=note, author=actor, author_label=_who(actor)
        )
    case.save()
    audit_record(
        actor=actor,
        action="case.status",
        target=case,
        agency=case.agency,
        data={"from": previous, "to": status},
    )
    if status == CaseStatus.CLOSED:
        invite_after_case(case)  # one-time survey link, if sampled (surveys issue)
    return case


def _who(actor) -> str:
    profile = getattr(actor, "staff_profile", None)
    return profile.display_name if profile is not None else actor.get_username()


REPLY_THEN_STATUSES = (CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_CITIZEN, CaseStatus.RESOLVED)


@transaction.atomic
def case_reply(
    *,
    case: Case,
    actor,
    body: str,
    interim: bool = False,
    then_status: str | None = None,
    attachments: list[AttachmentIn] | None = None,
    also_to: list[str] | tuple[str, ...] = (),
) -> CaseMessage:
    """Reply to the citizen (email through the outbox) and optionally move the status on.

    `also_to`: references of cases merged into this one (`selectors.merged_recipients`) whose
    citizens get the same reply, each in their own email (nobody sees another's address), in
    their language, filed on this case as theirs so that their tracking page shows it."""
    case = _locked(case)
    require_case(actor, case)
    if case.coordinating_case_id is not None:
        raise Conflict(
            _("This is a part of %(ref)s: the coordinating case replies to the citizen.")
            % {"ref": case.coordinating_case.reference},
            code="part_case",
        )
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write the reply."), code="body")
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("Reopen the case before replying."), code="case_closed")
    if (
        then_status == CaseStatus.IN_PROGRESS
        and case.status == CaseStatus.RESOLVED
        and not can_reopen(case)
    ):
        raise Conflict(
            _("This case was finished more than %(days)s days ago and cannot be reopened.")
            % {"days": reopen_window().days},
            code="reopen_window",
        )
    if then_status and then_status not in REPLY_THEN_STATUSES:
        # Checked before anything is sent. Closing (with its survey) is a status change.
        raise ValidationFailed(
            _("After a reply the case can be in progress, wait for the citizen or be resolved."),
            code="then_status",
        )
    checked = attachments_check(attachments or [])
    extra = _merged_recipients_named(case, also_to)
    author_label = f"{_who(actor)}, {case.agency.name}"
    message = None
    for citizen_case in [case, *extra]:
        with override(citizen_case.language):  # the citizen's language, not the officer's
            subject = _("A reply about your case") if not interim else _("An update on your case")
        sent = tell_citizen(
            case=citizen_case,
            body=body,
            subject=subject,
            author=actor,
            author_label=author_label,
            asks_citizen=then_status == CaseStatus.AWAITING_CITIZEN and citizen_case.pk == case.pk,
        )
        if citizen_case.pk != case.pk:
            sent.case, sent.original_reference = case, citizen_case.reference
            sent.save(update_fields=["case", "original_reference"])
        attachments_save(case=case, message=sent, checked=checked)
        message = message or sent
    at = now()
    if case.acknowledged_at is None:
        case.acknowledged_at = at
    if interim:
        case.interim_replied_at = case.interim_replied_at or at
    elif then_status != CaseStatus.AWAITING_CITIZEN:
        # A question to the citizen pauses the clock; the reply owed is still owed after it.
        case.replied_at = case.replied_at or at
    case_event(case=case, actor=actor, action="replied", data={"interim": interim})
    if case.status == CaseStatus.NEW and then_status is None:
        then_status = CaseStatus.IN_PROGRESS
    if then_status and then_status != case.status:
        case_transition(case=case, target=then_status, actor=actor)
    case.save()
    data = {"message": message.pk, "interim": interim, "status": case.status}
    if extra:
        data["also_to"] = [c.reference for c in extra]
    audit_record(
        actor=actor,
        action="case.reply",
        target=case,
        agency=case.agency,
        data=data,
    )
    return message


def _merged_recipients_named(case: Case, references) -> list[Case]:
    """The merged cases named in `references`, checked before anything is sent."""
    wanted = {(ref or "").strip().upper() for ref in references or ()} - {""}
    if not wanted:
        return []
    from civicdesk.cases import selectors  # selectors imports the services package

    available = {c.reference: c for c in selectors.merged_recipients(case)}
    unknown = sorted(wanted - set(available))
    if unknown:
        raise ValidationFailed(
            _("%(refs)s: not a case merged into %(ref)s with a citizen to write to.")
            % {"refs": ", ".join(unknown), "ref": case.reference},
            code="also_to",
        )
    return [c for ref, c in available.items() if ref in wanted]


@transaction.atomic
def case_note_add(*, case: Case, actor, body: str) -> CaseMessage:
    case = _locked(case)
    require_case(actor, case)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write the note."), code="body")
    note = CaseMessage.objects.create(
        case=case, kind=MessageKind.NOTE, body=body, author=actor, author_label=_who(actor)
    )
    case_event(case=case, actor=actor, action="note")
    audit_record(actor=actor, action="case.note", target=case, agency=case.agency)
    return note


@transaction.atomic
def case_assign(
    *,
    case: Case,
    actor,
    assignee: StaffProfile | None = None,
    category: Category | None = None,
    automatic: bool = False,
    reason: str = "",
) -> Case:
    """Reassign within the agency: to another category (and so department), another officer,
    or automatically to the least-loaded officer present in the department."""
    case = _locked(case)
    require_case(actor, case)
    before = {"category": case.category_id, "department": case.department_id,
              "assignee": case.assignee_id}  # fmt: skip
    if category is not None and category.pk != case.category_id:
        if category.agency_id != case.agency_id:
            raise ValidationFailed(
                _("Pick a category of %(agency)s, or transfer the case.")
                % {"agency": case.agency.name},
                code="category",
            )
        case.category, case.department = category, category.department
        if assignee is None:
            automatic = True
    if assignee is not None:
        if assignee.agency_id != case.agency_id:
            raise ValidationFailed(_("That officer is not in this agency."), code="assignee")
        if case.department_id and not assignee.departments.filter(pk=case.department_id).exists():
            raise ValidationFailed(
                _("That officer is not in the case's department."), code="assignee"
            )
        case.assignee, case.assigned_at = assignee, now()
    elif automatic:
        picked = (
            pick_assignee(department=case.department, at=now(), tz=zone_of(case.agency))
            if case.department
            else None
        )
        case.assignee, case.assigned_at = picked, (now() if picked else None)
    after = {"category": case.category_id, "department": case.department_id,
             "assignee": case.assignee_id}  # fmt: skip
    if before == after:
        return case
    case.save()
    case_event(case=case, actor=actor, action="assigned", text=reason, data=after)
    audit_record(
        actor=actor,
        action="case.assign",
        target=case,
        agency=case.agency,
        data={"before": before, "after": after, "reason": reason},
    )
    return case


__all__ = ["CASE_WORKFLOW", "case_assign", "case_note_add", "case_reply", "case_set_status"]
