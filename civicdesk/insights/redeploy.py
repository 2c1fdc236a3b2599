"""Where the plan is short and where it has spare staff, and moves that close the most gap.

Staff are moved for a block of a day (morning before 13:00, afternoon after), not per 15
minutes: nobody crosses the city for a quarter of an hour. In a block, a service is short by
the largest shortfall of any of its intervals (required − planned, no more than its free
counters seat) and can spare the smallest surplus (planned − required, and staff without a
counter) it has in all of them, so a move never opens a new gap nor sends staff to a full site.

Moves are chosen greedily, biggest shortage first, from sources that may serve the short
service: staff of a service may serve the services that share a counter with it at their site
(counters list the services they call), and the same service (by name) at another site of the
agency. Sources at the same site come first, then other sites. Greedy is optimal here when every
source can serve every shortage; with restricted skills it is a good, explainable answer (the
page shows the gap closed, so a manager sees what is left).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

AFTERNOON_FROM = "13:00"


@dataclass(frozen=True)
class Need:
    site: int
    service: int
    short: int = 0  # staff missing in the block
    spare: int = 0  # staff that can leave for the whole block


@dataclass
class Move:
    day: str
    block: str
    from_site: int
    from_service: int
    to_site: int
    to_service: int
    staff: int


@dataclass
class Plan:
    moves: list[Move] = field(default_factory=list)
    short_before: int = 0
    short_after: int = 0
    spare_before: int = 0

    @property
    def gap_closed(self) -> int:
        return self.short_before - self.short_after

    @property
    def share_closed(self) -> float:
        return self.gap_closed / self.short_before if self.short_before else 1.0


def block_needs(rows: list[dict], site: int) -> dict[tuple[str, str], list[Need]]:
    """Per (day, block): the short and spare staff of each service of one site's advice rows.
    Rows without a plan are skipped (no roster, nothing to compare)."""
    worst: dict[tuple[str, str, int], list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        planned = row.get("planned")
        if planned is None:
            continue
        block = "pm" if row["time"] >= AFTERNOON_FROM else "am"
        worst[(row["day"], block, row["service"])].append(_short_and_spare(row, planned))
    needs: dict[tuple[str, str], list[Need]] = defaultdict(list)
    for (day, block, service), pairs in worst.items():
        needs[(day, block)].append(
            Need(
                site=site,
                service=service,
                short=max(short for short, _spare in pairs),
                spare=min(spare for _short, spare in pairs),
            )
        )
    return needs


def _short_and_spare(row: dict, planned: int) -> tuple[int, int]:
    """In one interval: the staff that would close the service's gap if they came (no more than
    its free counters seat, counters.py), and the staff who can leave without opening one
    (those without a counter, and those seated beyond the need)."""
    seated = row.get("on_counters", planned)
    short = max(0, row["required"] - seated)
    if row.get("room") is not None:
        short = min(short, row["room"])
    return short, planned - min(seated, row["required"])


def greedy_moves(
    needs: dict[tuple[str, str], list[Need]], can_serve, *, same_site_first: bool = True
) -> Plan:
    """Moves per block. `can_serve(source: Need, target: Need) -> bool` says who may help whom."""
    plan = Plan()
    for (day, block), items in sorted(needs.items()):
        spare = {(n.site, n.service): n.spare for n in items if n.spare > 0}
        plan.spare_before += sum(spare.values())
        shortages = sorted((n for n in items if n.short > 0), key=lambda n: -n.short)
        for target in shortages:
            plan.short_before += target.short
            missing = target.short
            sources = [n for n in items if spare.get((n.site, n.service), 0) > 0]
            sources = [s for s in sources if can_serve(s, target)]
            if same_site_first:
                sources.sort(
                    key=lambda s: (
                        s.site != target.site,
                        -spare[(s.site, s.service)],
                        s.site,
                        s.service,
                    )
                )
            for source in sources:
                if missing == 0:
                    break
                give = min(missing, spare[(source.site, source.service)])
                if give <= 0:
                    continue
                spare[(source.site, source.service)] -= give
                missing -= give
                plan.moves.append(
                    Move(day, block, source.site, source.service, target.site, target.service, give)
                )
            plan.short_after += missing
    return plan


def agency_plan(agency, week: str) -> dict:
    """The redeployment suggestion for an agency's sites in a week, from stored advice."""
    from civicdesk.insights.models import RunStatus, StaffingRun
    from civicdesk.queues.models import Counter, Service

    # Every site with advice, also while it is being computed again (the earlier advice
    # stands until the new one replaces it).
    runs = [
        run
        for run in StaffingRun.objects.filter(site__agency=agency, week=week).select_related("site")
        if run.result
    ]
    needs: dict[tuple[str, str], list[Need]] = defaultdict(list)
    for run in runs:
        for key, items in block_needs(run.result.get("rows", []), run.site_id).items():
            needs[key].extend(items)
    site_ids = [run.site_id for run in runs]
    services = {
        s.pk: s for s in Service.objects.filter(site_id__in=site_ids).select_related("site")
    }
    # Services that share a counter at a site: the staff of one can serve the other.
    shares_counter: dict[int, set[int]] = defaultdict(set)
    for counter in Counter.objects.filter(site_id__in=site_ids).prefetch_related("services"):
        ids = {s.pk for s in counter.services.all()}
        for sid in ids:
            shares_counter[sid] |= ids

    def can_serve(source: Need, target: Need) -> bool:
        if source.site == target.site:
            return source.service == target.service or target.service in shares_counter.get(
                source.service, set()
            )
        a, b = services.get(source.service), services.get(target.service)
        return bool(a and b and a.name == b.name)

    plan = greedy_moves(needs, can_serve)
    labels = {
        s.pk: (s.site.local_name(), f"{s.prefix} {s.local_name()}") for s in services.values()
    }
    return {
        "week": week,
        "sites": len(runs),
        # Sites whose advice is being computed again (or failed to be): their figures are the
        # earlier advice's, and their moves wait for the new one (move_accept).
        "recomputing": sorted(
            run.site.local_name() for run in runs if run.status != RunStatus.DONE
        ),
        "short_before": plan.short_before,
        "short_after": plan.short_after,
        "gap_closed": plan.gap_closed,
        "share_closed": round(plan.share_closed, 3),
        "spare_before": plan.spare_before,
        "moves": [
            {
                "day": m.day,
                "block": m.block,
                "from_site": labels.get(m.from_service, ("?", "?"))[0],
                "from_service": labels.get(m.from_service, ("?", "?"))[1],
                "to_site": labels.get(m.to_service, ("?", "?"))[0],
                "to_service": labels.get(m.to_service, ("?", "?"))[1],
                "staff": m.staff,
                "same_site": m.from_site == m.to_site,
                "from_site_id": m.from_site,
                "to_site_id": m.to_site,
                "from_service_id": m.from_service,
                "to_service_id": m.to_service,
            }
            for m in plan.moves
        ],
    }


def accept_target(agency, to_service: int):
    """What accepting a move is checked against: the site that receives the staff."""
    from civicdesk.organisations.permissions import Target
    from civicdesk.queues.models import Service

    site_id = (
        Service.objects.filter(pk=to_service, site__agency=agency)
        .values_list("site_id", flat=True)
        .first()
    )
    return Target(agency_id=agency.pk, site_id=site_id)


def _in_block(time: str, block: str) -> bool:
    return (time >= AFTERNOON_FROM) == (block == "pm")


def move_accept(
    *,
    actor,
    agency,
    week: str,
    day: str,
    block: str,
    from_service: int,
    to_service: int,
    staff: int,
) -> dict:
    """Put a suggested move into the roster: `staff` fewer planned on `from_service` and as many
    more on `to_service` in every 15-minute interval of the block that the advice covers; the
    stored advice of both sites is brought up to date. Only a move the current suggestion makes
    (and no more staff than it says) is accepted; the change is audited. Who accepts: anyone
    who may change the advice of the receiving site (agency admins: any; team leads: a move
    into a site of theirs)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.db import transaction
    from django.utils.translation import gettext as _

    from civicdesk.audit.services import audit_record
    from civicdesk.core.errors import Conflict, ValidationFailed
    from civicdesk.insights.models import PlannedStaffing, RunStatus, StaffingRun
    from civicdesk.insights.staffing import run_apply_plan
    from civicdesk.organisations.permissions import Access, Area, require
    from civicdesk.queues.models import Service

    require(actor, Area.INSIGHTS, Access.WRITE, accept_target(agency, to_service))
    if block not in ("am", "pm"):
        raise ValidationFailed(_("Choose the morning or the afternoon."), code="block")
    if staff < 1:
        raise ValidationFailed(_("Move at least one member of staff."), code="staff")
    changed = 0
    with transaction.atomic():
        # Lock the agency's advice for the week first: two managers (or one double click)
        # accepting the same move at once would otherwise both pass the check below and move
        # the staff twice. The second waits here and then finds the move no longer suggested.
        runs = {
            run.site_id: run
            for run in StaffingRun.objects.select_for_update(of=("self",))
            .filter(site__agency=agency, week=week)
            .select_related("site")
            .order_by("pk")
            if run.result
        }
        suggested = next(
            (
                m
                for m in agency_plan(agency, week)["moves"]
                if (m["day"], m["block"], m["from_service_id"], m["to_service_id"])
                == (day, block, from_service, to_service)
            ),
            None,
        )
        if suggested is None:
            raise Conflict(
                _("This move is no longer suggested: the roster or the advice has changed."),
                code="not_suggested",
            )
        if staff > suggested["staff"]:
            raise Conflict(
                _("The suggestion moves %(n)d at most.") % {"n": suggested["staff"]},
                code="too_many",
            )
        # A site whose advice is being computed again: the new advice, read from the roster
        # before this move, would overwrite the move's effect on it. Its moves wait for it.
        involved = set(
            Service.objects.filter(pk__in=[from_service, to_service]).values_list(
                "site_id", flat=True
            )
        )
        for site_id in sorted(involved):
            run = runs.get(site_id)
            if run is not None and run.status != RunStatus.DONE:
                raise Conflict(
                    _(
                        "The advice for %(site)s is being computed again: accept this move "
                        "once it is ready."
                    )
                    % {"site": run.site.local_name()},
                    code="recomputing",
                )
        for run in runs.values():
            tz = ZoneInfo(run.site.timezone)
            for row in run.result.get("rows", []):
                if row["day"] != day or not _in_block(row["time"], block):
                    continue
                if row["service"] not in (from_service, to_service):
                    continue
                starts = datetime.fromisoformat(f"{row['day']}T{row['time']}").replace(tzinfo=tz)
                plan, _created = PlannedStaffing.objects.select_for_update().get_or_create(
                    site=run.site, service_id=row["service"], starts_at=starts
                )
                delta = -staff if row["service"] == from_service else staff
                plan.staff = max(plan.staff + delta, 0)
                plan.save(update_fields=["staff"])
                changed += 1
        for run in runs.values():
            run_apply_plan(run)
        # The audit log keeps the names as stored, whatever language the manager reads in.
        named = Service.objects.select_related("site").in_bulk([from_service, to_service])
        audit_names = {pk: f"{s.site.name}: {s}" for pk, s in named.items()}
        audit_record(
            actor=actor,
            action="insights.redeploy_accepted",
            agency=agency,
            data={
                "week": week,
                "day": day,
                "block": block,
                "from": audit_names[from_service],
                "to": audit_names[to_service],
                "staff": staff,
                "intervals": changed,
            },
        )
    return {**suggested, "staff": staff, "intervals": changed}
