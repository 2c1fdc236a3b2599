"""Periodic jobs: remind owners of overdue programme milestones, once a day each."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.core.clock import now
from civicdesk.core.periodic import register
from civicdesk.notify.services import notify_enqueue
from civicdesk.workforce.models import Milestone


@register("workforce.overdue_milestones", every_seconds=3600)
def remind_overdue_milestones() -> int:
    """Email the owner of each overdue, open milestone; the dedupe key makes it daily."""
    today = timezone.localdate(now())
    sent = 0
    overdue = Milestone.objects.filter(
        completed_on__isnull=True, due_on__lt=today, programme__ends_on__gte=today
    ).select_related("owner__user", "programme__agency")
    for milestone in overdue:
        email = milestone.owner.user.email
        if not email:
            continue
        queued = notify_enqueue(
            channel="email",
            to=email,
            subject=_("Overdue milestone: %(title)s") % {"title": milestone.title},
            body=_(
                "The milestone “%(title)s” of %(programme)s was due on %(due)s. "
                "Mark it complete on the programme page, or talk to the sponsor."
            )
            % {
                "title": milestone.title,
                "programme": milestone.programme.name,
                "due": milestone.due_on.isoformat(),
            },
            dedupe_key=f"workforce.milestone.overdue.{milestone.pk}.{today.isoformat()}",
            agency=milestone.programme.agency,
            related=milestone,
        )
        sent += queued is not None
    return sent
