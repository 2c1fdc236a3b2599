from django.db.models import Q, QuerySet

from civicdesk.audit.details import CASE_REFERENCE_KEYS
from civicdesk.audit.models import AuditEntry
from civicdesk.organisations.permissions import Access, Area, scope_queryset


def audit_list_for(user, *, action: str = "", who: str = "", target: str = "") -> QuerySet:
    """Audit entries the user may read, newest first, optionally filtered.

    `target` matches the record an entry is filed under, and also a case named in the data of
    a case entry: a merge is filed under the case kept, and found by the merged case too.
    """
    entries = scope_queryset(
        user, Area.AUDIT, Access.READ, AuditEntry.objects.select_related("agency")
    )
    if action:
        entries = entries.filter(action__startswith=action)
    if who:
        entries = entries.filter(actor_label__icontains=who)
    if target:
        named = Q()
        for key in CASE_REFERENCE_KEYS:
            named |= Q(**{f"data__{key}__icontains": target})
        entries = entries.filter(
            Q(object_repr__icontains=target)
            | Q(object_id=target)
            | (Q(action__startswith="case.") & named)
        )
    return entries.order_by("-id")
