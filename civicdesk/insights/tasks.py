"""Background work: compute requested staffing advice, and next week's for every site."""

from __future__ import annotations

from civicdesk.core.periodic import register

RUNS_PER_TICK = 3


@register("insights.staffing_pending", every_seconds=60)
def compute_pending() -> dict:
    """Compute the oldest requested runs (a few per tick, so one tick stays short)."""
    from civicdesk.insights.models import RunStatus, StaffingRun
    from civicdesk.insights.staffing import run_compute

    done = failed = 0
    pending = StaffingRun.objects.filter(status=RunStatus.PENDING).select_related("site")
    for run in pending.order_by("requested_at")[:RUNS_PER_TICK]:
        try:
            run_compute(run)
            done += 1
        except Exception:
            failed += 1
    return {"computed": done, "failed": failed}


@register("insights.next_week", every_seconds=6 * 3600)
def request_next_week() -> dict:
    """Ask for next week's advice at every active site with services (computed by the job
    above), and refresh it daily so the forecast uses the latest days."""
    from datetime import timedelta

    from civicdesk.core.clock import now
    from civicdesk.insights.models import RunStatus, StaffingRun
    from civicdesk.insights.staffing import next_week, run_request
    from civicdesk.organisations.models import Site

    week = next_week()
    asked = 0
    for site in Site.objects.filter(is_active=True, services__is_active=True).distinct():
        run = StaffingRun.objects.filter(site=site, week=week).first()
        stale = (
            run is not None
            and run.status == RunStatus.DONE
            and (run.finished_at is None or run.finished_at < now() - timedelta(days=1))
        )
        if run is None or stale:
            run_request(site=site, week=week)
            asked += 1
    return {"requested": asked, "week": week}
