"""The improvement-idea workflow, declared as data."""

from civicdesk.core.workflows import Workflow
from civicdesk.workforce.models import IdeaStatus as S

IDEA_WORKFLOW = Workflow.declare(
    "improvement idea",
    {
        S.SUBMITTED: {S.REVIEWED, S.APPROVED, S.DECLINED},
        S.REVIEWED: {S.APPROVED, S.DECLINED},
        S.APPROVED: {S.IMPLEMENTED, S.DECLINED},
        S.IMPLEMENTED: set(),
        S.DECLINED: set(),
    },
)
