"""Periodic clean-up: unanswered invitations past their expiry lose their contact hash."""

from datetime import timedelta

from civicdesk.core.clock import now
from civicdesk.core.periodic import register


@register("surveys.forget_expired_contacts", every_seconds=24 * 3600)
def forget_expired_contacts() -> int:
    """Keep the "once in N days" hash no longer than it is needed (the longest quiet period)."""
    from django.db.models import Max

    from civicdesk.surveys.models import Invitation, SurveyPolicy

    longest = SurveyPolicy.objects.aggregate(m=Max("quiet_days"))["m"] or 30
    cutoff = now() - timedelta(days=max(longest, 1))
    return (
        Invitation.objects.filter(created_at__lt=cutoff)
        .exclude(contact_hash="")
        .update(contact_hash="")
    )
