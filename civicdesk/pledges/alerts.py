"""Alerts: a pledge whose run rate says it will be missed this period tells its owner and QSMs."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.core.zones import local_today
from civicdesk.notify.services import notify_enqueue
from civicdesk.organisations.models import StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.pledges.metrics import MIN_ITEMS_FOR_ALERT
from civicdesk.pledges.models import PeriodResult, Pledge, PledgeAlert
from civicdesk.pledges.periods import period_name, period_start

# Too early in a period the run rate says little: wait until this share of it has passed.
MIN_ELAPSED = 0.25


def _recipients(pledge: Pledge) -> list[StaffProfile]:
    people = list(
        StaffProfile.objects.filter(
            agency_id=pledge.agency_id, role=Role.QSM, user__is_active=True
        ).select_related("user")
    )
    if pledge.owner_id and all(p.pk != pledge.owner_id for p in people):
        people.append(pledge.owner)
    return [p for p in people if p.user.email]


def heading_to_miss(pledge: Pledge, result: PeriodResult, today) -> bool:
    if result.met is not False or result.count < MIN_ITEMS_FOR_ALERT:
        return False
    length = (result.period_end - result.period_start).days + 1
    elapsed = ((today - result.period_start).days + 1) / length
    return elapsed >= MIN_ELAPSED


def alerts_raise() -> int:
    """Raise the alerts due now; each pledge at most once per period. Returns how many."""
    raised = 0
    for pledge in Pledge.objects.filter(is_active=True).select_related("agency", "owner__user"):
        today = local_today(pledge.agency)
        start = period_start(today, pledge.period)
        result = PeriodResult.objects.filter(
            pledge=pledge, period_start=start, site__isnull=True
        ).first()
        if result is None or not heading_to_miss(pledge, result, today):
            continue
        if PledgeAlert.objects.filter(pledge=pledge, period_start=start).exists():
            continue
        try:
            with transaction.atomic():
                alert = PledgeAlert.objects.create(
                    pledge=pledge,
                    period_start=start,
                    label=result.label,
                    value=result.value,
                    count=result.count,
                )
                audit_record(
                    actor=None,
                    action="pledge.alert",
                    target=pledge,
                    agency=pledge.agency,
                    data={"period": result.label, "value": result.value, "count": result.count},
                )
                # A link that works from a mail client: the site's address in front of the path.
                link = settings.CIVICDESK_PUBLIC_URL.rstrip("/") + reverse(
                    "pledges:staff_detail", args=[pledge.pk]
                )
                for person in _recipients(pledge):
                    # Staff read the period as in the app, in their own language ("November
                    # 2026", 2026年11月); the ISO code (result.label) stays in the audit data.
                    with translation.override(person.preferred_language):
                        name = period_name(result.period_start, pledge.period)
                        notify_enqueue(
                            channel="email",
                            to=person.user.email,
                            subject=_("Pledge at risk this period: %(label)s") % {"label": name},
                            body=_(
                                "%(sentence)s\n\nSo far in %(label)s: %(value)s against a target "
                                "of %(target)s, from %(count)s items. At this rate the pledge "
                                "will be missed.\n\nSee the pledge: %(url)s"
                            )
                            % {
                                "sentence": pledge.sentence,
                                "label": name,
                                "value": result.value,
                                "target": pledge.target,
                                "count": result.count,
                                "url": link,
                            },
                            dedupe_key=f"pledge-alert:{alert.pk}:{person.pk}",
                            agency=pledge.agency,
                            related=pledge,
                        )
        except IntegrityError:  # another host raised it first
            continue
        raised += 1
    return raised
