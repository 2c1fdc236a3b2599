"""The case status table and the ONE function that assigns Case.status."""

from __future__ import annotations

from civicdesk.cases.clock import clock_pause, clock_resume, clock_start
from civicdesk.cases.models import Case, CaseEvent
from civicdesk.cases.models import CaseStatus as S
from civicdesk.core.clock import now
from civicdesk.core.workflows import Workflow

CASE_WORKFLOW = Workflow.declare(
    "case",
    {
        S.NEW: [S.ACKNOWLEDGED, S.IN_PROGRESS, S.AWAITING_CITIZEN, S.RESOLVED, S.CLOSED],
        S.ACKNOWLEDGED: [S.IN_PROGRESS, S.AWAITING_CITIZEN, S.RESOLVED, S.CLOSED],
        S.IN_PROGRESS: [S.AWAITING_CITIZEN, S.RESOLVED, S.CLOSED],
        S.AWAITING_CITIZEN: [S.IN_PROGRESS, S.RESOLVED, S.CLOSED],
        S.RESOLVED: [S.CLOSED, S.IN_PROGRESS],  # back to in_progress = reopen
        S.CLOSED: [S.IN_PROGRESS],  # reopen, within the window (checked by case_reopen)
    },
)


def _label(actor) -> str:
    if actor is None:
        return "system"
    profile = getattr(actor, "staff_profile", None)
    return profile.display_name if profile is not None else actor.get_username()


def case_event_new(
    *, case: Case, actor, action: str, text: str = "", data: dict | None = None
) -> CaseEvent:
    """An event of the case, not saved yet (`case_event` saves it; intake writes it with the case)."""
    return CaseEvent(
        case=case,
        at=now(),
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        action=action,
        text=text,
        data=data or {},
    )


def case_event(*, case: Case, actor, action: str, text: str = "", data: dict | None = None):
    event = case_event_new(case=case, actor=actor, action=action, text=text, data=data)
    event.save(force_insert=True)
    return event


def case_transition(*, case: Case, target: str, actor, text: str = "") -> CaseEvent:
    """Move a case to `target` or raise IllegalTransition. Keeps the clock and timestamps right.

    The caller saves the case and writes the audit entry inside its own transaction.
    """
    CASE_WORKFLOW.check(case.status, target)
    at = now()
    previous = case.status
    if target == S.AWAITING_CITIZEN:
        clock_pause(case=case, at=at)
    elif previous == S.AWAITING_CITIZEN:
        clock_resume(case=case, at=at)
    if target == S.ACKNOWLEDGED or (case.acknowledged_at is None and target != S.NEW):
        case.acknowledged_at = case.acknowledged_at or at
    if target == S.RESOLVED:
        case.resolved_at = at
        case.replied_at = case.replied_at or at
    if target == S.CLOSED:
        case.closed_at = at
        case.paused_at = None
    if target == S.IN_PROGRESS and previous in (S.RESOLVED, S.CLOSED):
        # Reopened: a fresh reply is owed, on a fresh clock (the acknowledgement is not).
        case.resolved_at = case.closed_at = case.replied_at = case.breached_at = None
        case.breach_escalated_at = case.interim_replied_at = None
        acknowledged_due = case.acknowledge_due_at
        clock_start(case=case, at=at)
        case.acknowledge_due_at = acknowledged_due
    case.status = target
    return case_event(
        case=case,
        actor=actor,
        action="status",
        text=text,
        data={"from": previous, "to": target},
    )
