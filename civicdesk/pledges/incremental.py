"""Which days changed since the last run: the high-water marks of each source."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from civicdesk.core.clock import now
from civicdesk.pledges.compute import recompute_days, recompute_pledge
from civicdesk.pledges.metrics import SPECS, Source
from civicdesk.pledges.models import Pledge, Watermark

WATERMARK = "sources"
# A row saved in a transaction that commits after our read carries an older updated_at: read
# a little behind the mark. Measuring a day twice gives the same figures.
OVERLAP = timedelta(minutes=10)


def changed_days(since: datetime) -> dict[str, dict[int, set[date]]]:
    """Per source and agency id, the local days whose data changed after `since`."""
    from civicdesk.cases.models import Case
    from civicdesk.organisations.models import Agency
    from civicdesk.surveys.models import Response

    zones = {a.pk: ZoneInfo(a.timezone) for a in Agency.objects.all()}
    days: dict[str, dict[int, set[date]]] = defaultdict(lambda: defaultdict(set))
    cutoff = since - OVERLAP
    # Cases: any save bumps updated_at (a reply, a closure, a transfer). A transfer moves the
    # case between agencies, so the day is re-measured in every agency.
    case_days = set()
    for agency_id, received in Case.objects.filter(updated_at__gte=cutoff).values_list(
        "agency_id", "received_at"
    ):
        case_days.add(received.astimezone(zones[agency_id]).date())
    for agency_id in zones:
        days[Source.CASES][agency_id] |= case_days
    for agency_id, answered in Response.objects.filter(answered_at__gte=cutoff).values_list(
        "agency_id", "answered_at"
    ):
        days[Source.ANSWERS][agency_id].add(answered.astimezone(zones[agency_id]).date())
    # Tickets carry no updated time; a ticket only changes on its own day (queues close at
    # the end of the day), so the days from the mark's day on are re-measured.
    moment = now()
    for agency_id, tz in zones.items():
        first = cutoff.astimezone(tz).date() - timedelta(days=1)
        last = moment.astimezone(tz).date()
        span = {first + timedelta(days=n) for n in range((last - first).days + 1)}
        days[Source.TICKETS][agency_id] |= span
        days[Source.APPOINTMENTS][agency_id] |= span
    return days


def recompute_changed() -> dict:
    """Bring every pledge's results up to date; returns what was done (for logs and tests)."""
    moment = now()
    with transaction.atomic():
        mark, created = Watermark.objects.select_for_update().get_or_create(
            name=WATERMARK, defaults={"value": moment}
        )
    since = None if created else mark.value
    pledges = list(Pledge.objects.filter(is_active=True).select_related("agency", "service"))
    full = [p for p in pledges if p.needs_full_recompute or since is None]
    for pledge in full:
        recompute_pledge(pledge)
    days = changed_days(since) if since is not None else {}
    partial = 0
    for pledge in pledges:
        if pledge in full:
            continue
        todo = days.get(SPECS[pledge.metric].source, {}).get(pledge.agency_id, set())
        if todo:
            recompute_days(pledge, todo)
            partial += 1
    Watermark.objects.filter(pk=mark.pk).update(value=moment)
    from civicdesk.pledges.alerts import alerts_raise

    raised = alerts_raise()
    return {"full": len(full), "partial": partial, "alerts": raised}
