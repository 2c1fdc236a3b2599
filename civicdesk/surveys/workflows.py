"""Suggestion moderation: pending -> accepted | rejected. Nothing else assigns `.status`."""

from civicdesk.core.clock import now
from civicdesk.core.workflows import Workflow
from civicdesk.surveys.models import Suggestion, SuggestionStatus

SUGGESTION_WORKFLOW = Workflow.declare(
    "suggestion",
    {
        SuggestionStatus.PENDING: {SuggestionStatus.ACCEPTED, SuggestionStatus.REJECTED},
        SuggestionStatus.ACCEPTED: set(),
        SuggestionStatus.REJECTED: set(),
    },
)


def suggestion_set_status(suggestion: Suggestion, target: str, *, actor, note: str = "") -> None:
    """The one transition: checks the table, stamps the moderator; the caller saves."""
    SUGGESTION_WORKFLOW.check(suggestion.status, target)
    suggestion.status = target
    suggestion.moderated_by = actor if actor is not None and actor.pk else None
    suggestion.moderated_at = now()
    suggestion.moderation_note = note
