"""Reads for the staff pages, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from civicdesk.organisations.models import Agency
from civicdesk.organisations.permissions import Access, Area, Scope, scope_for, scope_queryset
from civicdesk.routing.models import ModelVersion

LIST_FIELDS = (
    "id",
    "agency_id",
    "number",
    "status",
    "trigger",
    "progress",
    "progress_note",
    "created_at",
    "started_at",
    "finished_at",
    "error",
    "n_train",
    "threshold",
    "precision_target",
    "evaluation",
    "comparison",
    "training_seconds",
    "is_active",
    "promoted_at",
)


def routing_scopes_for(user) -> list[Agency | None]:
    """The agencies whose routing the user may look at (None: the front door, system admins)."""
    scope = scope_for(user, Area.CASES, Access.READ)
    if scope < Scope.AGENCY:
        return []
    agencies = list(
        scope_queryset(user, Area.CASES, Access.READ, Agency.objects.all(), agency_field="pk")
    )
    return [*agencies, None] if scope is Scope.ALL else agencies


def model_versions_for(user, *, agency: Agency | None) -> QuerySet[ModelVersion]:
    """Versions of one agency (or the front door), newest first, without the artifact bytes."""
    if agency not in routing_scopes_for(user):
        return ModelVersion.objects.none()
    return (
        ModelVersion.objects.filter(agency=agency)
        .select_related("agency", "requested_by", "promoted_by")
        .only(
            *LIST_FIELDS,
            "agency__code",
            "agency__name",
            "requested_by__username",
            "promoted_by__username",
        )
        .order_by("-number")
    )
