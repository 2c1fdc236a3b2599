"""A model version's life: queued -> training -> ready | failed. Promotion is a separate flag."""

from civicdesk.core.workflows import Workflow

QUEUED, TRAINING, READY, FAILED = "queued", "training", "ready", "failed"

VERSION_WORKFLOW = Workflow.declare(
    "routing model version",
    {
        QUEUED: {TRAINING, FAILED},
        TRAINING: {READY, FAILED},
        READY: set(),
        FAILED: set(),
    },
)


def version_set_status(version, status: str) -> None:
    """The one place a version's status changes; raises IllegalTransition on a wrong move."""
    VERSION_WORKFLOW.check(version.status, status)
    version.status = status
