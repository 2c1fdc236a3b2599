"""Reads for live pages."""

from __future__ import annotations

from django.db.models import QuerySet

from civicdesk.organisations.models import Site
from civicdesk.organisations.permissions import Access, Area, scope_queryset


def sites_for_overview(user) -> QuerySet[Site]:
    """The active sites whose queues this staff member may watch."""
    return scope_queryset(
        user,
        Area.QUEUES,
        Access.READ,
        Site.objects.select_related("agency").filter(is_active=True).order_by("agency_id", "name"),
        site_field="pk",
    )
