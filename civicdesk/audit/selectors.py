from django.db.models import Q, QuerySet

from civicdesk.audit.models import AuditEntry
from civicdesk.organisations.permissions import Access, Area, scope_queryset


def audit_list_for(user, *, action: str = "", who: str = "", target: str = "") -> QuerySet:
    """Audit entries the user may read, newest first, optionally filtered."""
    entries = scope_queryset(
        user, Area.AUDIT, Access.READ, AuditEntry.objects.select_related("agency")
    )
    if action:
        entries = entries.filter(action__startswith=action)
    if who:
        entries = entries.filter(actor_label__icontains=who)
    if target:
        entries = entries.filter(Q(object_repr__icontains=target) | Q(object_id=target))
    return entries.order_by("-id")
