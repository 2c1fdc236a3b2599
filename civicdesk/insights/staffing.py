"""Staffing advice for one site and week: forecast, required counters, the simulated check, plan.

For each active service and each open 15-minute interval of the week:
- arrivals: the forecast (forecast.py) from the site's ticket history before the week (or
  before today, for a week to come), as a rate per minute;
- service time: the measured serving periods of the last 8 weeks (empirical distribution with
  30 or more, else exponential around the measured mean or the service's usual minutes);
- target: the strictest waiting-time pledge covering the service (share within N minutes, or a
  90th-percentile wait), else the site's StaffingTarget, else 90% within 20 minutes;
- patience: the StaffingTarget's, else estimated from no-shows (mean wait / no-show share),
  used by Erlang A and the simulation when no-shows are 1% or more;
- required: recommend.recommend (Erlang, checked and corrected by simulation);
- planned: the roster (PlannedStaffing), seated at the counters that serve each service
  (counters.py): gap = staff at counters − required, so a need beyond the counters is short.

The result is stored on a StaffingRun (pages and the CLI read it, never recompute).
"""

from __future__ import annotations

import math
import traceback
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civicdesk.core.clock import now
from civicdesk.core.dates import EARLIEST, LATEST
from civicdesk.core.errors import ApplicationError
from civicdesk.insights import demand, forecast
from civicdesk.insights.counters import apply_counters, site_counters
from civicdesk.insights.models import PlannedStaffing, RunStatus, StaffingRun, StaffingTarget
from civicdesk.insights.recommend import recommend
from civicdesk.insights.simulate import ServiceTime
from civicdesk.organisations.calendar import site_calendar

DEFAULT_LEVEL = 0.9
DEFAULT_WAIT = 20.0
HISTORY_DAYS = 26 * 7
SERVICE_TIME_DAYS = 56
# Visitors simulated per check: at least 2,000, and up to 200,000 when the answer is close to
# the target; all but the closest calls settle, and a site-week computes in seconds.
SIMULATION_BUDGET = 200_000
# The forecast runs from today to the week asked for: a week decades ahead would fill memory
# (and six months of history say nothing about it).
MAX_WEEKS_AHEAD = 52


class BadWeek(ApplicationError):
    pass


def parse_week(text: str) -> date:
    """Monday of an ISO week written like 2026-W49."""
    try:
        year, week = text.strip().upper().split("-W")
        if not EARLIEST.year <= int(year) <= LATEST.year:
            # Far from today there is no history to forecast from, and the date arithmetic
            # runs off the calendar (a request for year 1 failed in the background).
            raise ValueError(year)
        return date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, AttributeError) as exc:
        raise BadWeek(
            _("“%(text)s” is not a week; write it like 2026-W49.") % {"text": text}
        ) from exc


def week_label(monday: date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_words(monday: date) -> str:
    """The week as a manager reads it, in the active language: "Week of 14 December 2026",
    "2026年12月14日起的一週". week_label's code is for addresses, files and the database."""
    return _("Week of %(date)s") % {"date": date_format(monday, "j F Y")}


def next_week(today: date | None = None) -> str:
    today = today or now().date()
    return week_label(today - timedelta(days=today.weekday()) + timedelta(days=7))


@dataclass(frozen=True)
class Target:
    level: float
    wait: float
    source: str  # "pledge", "site" or "default"
    patience: float | None = None


def target_for(service) -> Target:
    """The service level to staff for: a pledge on waiting time, else the site's, else 90%/20."""
    from django.db.models import Q

    from civicdesk.pledges.metrics import Metric
    from civicdesk.pledges.models import Pledge

    configured = (
        StaffingTarget.objects.filter(site_id=service.site_id)
        .filter(Q(service=service) | Q(service__isnull=True))
        .order_by("service_id")  # the service's own first (NULLs last on both databases)
        .first()
    )
    if configured is not None and configured.service_id is None:
        specific = StaffingTarget.objects.filter(site_id=service.site_id, service=service).first()
        configured = specific or configured
    patience = (
        float(configured.patience_minutes) if configured and configured.patience_minutes else None
    )
    pledges = Pledge.objects.filter(
        agency_id=service.site.agency_id,
        is_active=True,
        metric__in=[Metric.TICKETS_WITHIN, Metric.WAIT_P90],
    ).filter(Q(site__isnull=True) | Q(site_id=service.site_id))
    pledges = pledges.filter(Q(service__isnull=True) | Q(service=service))
    candidates = []
    for pledge in pledges:
        if pledge.metric == Metric.TICKETS_WITHIN and pledge.threshold:
            candidates.append((float(pledge.target) / 100, float(pledge.threshold)))
        elif pledge.metric == Metric.WAIT_P90:
            candidates.append((0.9, float(pledge.target)))
    candidates = [(level, wait) for level, wait in candidates if 0 < level < 1 and wait > 0]
    if candidates:
        # The strictest: the highest share, then the shortest wait.
        level, wait = max(candidates, key=lambda c: (c[0], -c[1]))
        return Target(level, wait, "pledge", patience)
    if configured is not None:
        return Target(
            float(configured.level_percent) / 100, float(configured.wait_minutes), "site", patience
        )
    return Target(DEFAULT_LEVEL, DEFAULT_WAIT, "default", patience)


def service_time_for(service, since: datetime) -> ServiceTime:
    durations = demand.service_minutes(service=service, since=since)
    if durations:
        return ServiceTime.from_samples(durations)
    return ServiceTime("exponential", float(service.default_service_minutes))


def patience_for(service, since: datetime) -> float | None:
    """Mean patience (minutes) from no-shows: abandonment share = mean queue wait / patience."""
    share, mean_wait = demand.abandonment(service=service, since=since)
    if share < 0.01 or mean_wait <= 0:
        return None
    return float(np.clip(mean_wait / share, 1.0, 480.0))


def _rate_key(rate: float) -> float:
    """Round an arrival rate up to two significant figures: fewer distinct simulations, and the
    advice errs on the side of the visitor."""
    if rate <= 0:
        return 0.0
    scale = 10 ** (math.floor(math.log10(rate)) - 1)
    return math.ceil(rate / scale - 1e-9) * scale


def compute_site_week(site, week: str, *, progress=None) -> dict:
    """Everything the pages show for one site and ISO week (a JSON-ready dict)."""
    from civicdesk.queues.models import Service

    monday = parse_week(week)
    calendar = site_calendar(site)
    today = now().astimezone(calendar.tz).date()
    history_end = min(monday, today)
    first_day = history_end - timedelta(days=HISTORY_DAYS)
    week_days = [monday + timedelta(days=i) for i in range(7)]
    horizon = [
        history_end + timedelta(days=i) for i in range((week_days[-1] - history_end).days + 1)
    ]
    open_slots = demand.open_mask(calendar, horizon[0], len(horizon))
    offset = (monday - horizon[0]).days
    history = demand.site_service_arrivals(site=site, first_day=first_day, end_day=history_end)
    services = list(
        Service.objects.filter(site=site, is_active=True).order_by("position", "prefix")
    )
    since = now() - timedelta(days=SERVICE_TIME_DAYS)
    week_start = datetime.combine(monday, datetime.min.time(), tzinfo=calendar.tz)
    week_end = week_start + timedelta(days=7)
    plans = {
        (p.service_id, p.starts_at): p.staff
        for p in PlannedStaffing.objects.filter(
            site=site, starts_at__gte=week_start, starts_at__lt=week_end
        )
    }
    cache: dict = {}
    rows = []
    service_info = []
    total_history = None
    work = [(s, d) for s in services for d in range(7)]
    for step, (service, d) in enumerate(work):
        if d == 0:
            matrix = history.get(service.pk)
            predicted = forecast.forecast(matrix, first_day, horizon, open_slots=open_slots)[
                offset : offset + 7
            ]
            total_history = (
                np.nan_to_num(matrix)
                if total_history is None
                else total_history + np.nan_to_num(matrix)
            )
            service_time = service_time_for(service, since)
            target = target_for(service)
            patience = target.patience or patience_for(service, since)
            service_info.append(
                {
                    "id": service.pk,
                    "name": str(service),
                    "target_level": target.level,
                    "target_wait": target.wait,
                    "target_source": target.source,
                    "patience": round(patience, 1) if patience else None,
                    "service_kind": service_time.kind,
                    "service_mean": round(service_time.mean, 2),
                    "service_cv": round(service_time.cv, 2),
                    "forecast_total": round(float(predicted.sum()), 1),
                }
            )
        if progress:
            progress(step + 1, len(work))
        day = week_days[d]
        for slot in np.flatnonzero(open_slots[offset + d]):
            expected = float(predicted[d, slot])
            rate = _rate_key(expected / demand.STEP_MINUTES)
            advice = recommend(
                rate,
                service_time,
                target.level,
                target.wait,
                patience=patience,
                cache=cache,
                max_arrivals=SIMULATION_BUDGET,
                min_arrivals=2000,
            )
            starts = datetime.combine(day, datetime.min.time(), tzinfo=calendar.tz) + timedelta(
                minutes=int(slot) * demand.STEP_MINUTES
            )
            planned = plans.get((service.pk, starts))
            rows.append(
                {
                    "service": service.pk,
                    "day": day.isoformat(),
                    "slot": int(slot),
                    "time": f"{int(slot) * 15 // 60:02d}:{int(slot) * 15 % 60:02d}",
                    "forecast": round(expected, 2),
                    "required": advice.agents,
                    "erlang": advice.erlang_agents,
                    "erlang_level": round(advice.erlang_level, 4),
                    "simulated_level": round(advice.simulated_level, 4),
                    "simulated_one_fewer": round(advice.simulated_level_one_fewer, 4)
                    if advice.simulated_level_one_fewer is not None
                    else None,
                    "planned": planned,
                    "gap": None if planned is None else planned - advice.agents,
                }
            )
    counters = site_counters(site)
    apply_counters(rows, counters)
    backtest = None
    if total_history is not None:
        mask = demand.open_mask(calendar, first_day, HISTORY_DAYS)
        site_total = np.where(mask, total_history, np.nan)
        try:
            backtest = forecast.backtest(site_total, first_day).as_dict()
        except forecast.TooShort as exc:
            backtest = {"error": str(exc)}
    return {
        "demand": _demand_summary(site, first_day, history_end, total_history, calendar),
        "site": site.pk,
        "week": week,
        "days": [d.isoformat() for d in week_days],
        "history_from": first_day.isoformat(),
        "history_to": history_end.isoformat(),
        "services": service_info,
        "rows": rows,
        "counters": counters,
        "backtest": backtest,
        "computed_at": now().isoformat(),
    }


DEMAND_WEEKS = 8


def _demand_summary(site, first_day, history_end, total_history, calendar) -> dict:
    """Mean arrivals per hour and weekday over the last 8 weeks (open days only), and tickets
    and cases by channel over the same weeks."""
    if total_history is None:
        return {"hours": [], "rows": [], "channels": {}, "contacts": {}}
    days = total_history.shape[0]
    mask = demand.open_mask(calendar, first_day, days)
    start = max(0, days - 7 * DEMAND_WEEKS)
    per_hour = total_history.reshape(days, 24, 4).sum(axis=2)
    open_hours = mask.reshape(days, 24, 4).any(axis=2)
    open_day = mask.any(axis=1)
    rows = []
    hours = [h for h in range(24) if open_hours[start:].any(axis=0)[h]]
    for hour in hours:
        means = []
        for weekday in range(7):
            chosen = [
                d
                for d in range(start, days)
                if open_day[d] and (first_day + timedelta(days=d)).weekday() == weekday
            ]
            means.append(
                round(float(per_hour[chosen, hour].mean()), 2)
                if chosen and open_hours[chosen, hour].any()
                else None
            )
        rows.append({"hour": f"{hour:02d}:00", "weekdays": means})
    since_day = first_day + timedelta(days=start)
    by_channel = demand.ticket_arrivals(
        site=site, first_day=since_day, end_day=history_end, by_channel=True
    )
    channels: dict[str, int] = {}
    for (_service, channel), matrix in by_channel.items():
        channels[channel] = channels.get(channel, 0) + int(np.nansum(matrix))
    contacts = {
        channel: int(np.nansum(matrix))
        for channel, matrix in demand.case_contacts(
            agency=site.agency, first_day=since_day, end_day=history_end
        ).items()
    }
    return {
        "weeks": DEMAND_WEEKS,
        "hours": hours,
        "rows": rows,
        "channels": dict(sorted(channels.items())),
        "contacts": dict(sorted(contacts.items())),
    }


def run_request(*, site, week: str) -> StaffingRun:
    """Ask for advice: a pending run (or the existing one) that the periodic job computes."""
    monday = parse_week(week)
    if monday > parse_week(next_week()) + timedelta(weeks=MAX_WEEKS_AHEAD):
        raise BadWeek(
            _("Advice can be computed up to %(weeks)d weeks ahead; choose an earlier week.")
            % {"weeks": MAX_WEEKS_AHEAD}
        )
    first_day = _first_visit_day(site)
    if first_day is not None and monday + timedelta(days=6) < first_day:
        # Nothing to learn from: the advice would be an empty forecast passed off as computed.
        raise BadWeek(
            _("%(site)s has no visits before %(day)s: choose a week from then on.")
            % {"site": site.local_name(), "day": first_day.isoformat()}
        )
    run, created = StaffingRun.objects.get_or_create(
        site=site, week=week, defaults={"requested_at": now()}
    )
    if not created and run.status in (RunStatus.DONE, RunStatus.FAILED):
        run.status = RunStatus.PENDING
        run.requested_at = now()
        run.save(update_fields=["status", "requested_at"])
    return run


def _first_visit_day(site) -> date | None:
    from django.db.models import Min

    from civicdesk.queues.models import Ticket

    return Ticket.objects.filter(site=site).aggregate(first=Min("day"))["first"]


def run_compute(run: StaffingRun, *, progress=None) -> StaffingRun:
    """Compute a run now and store the result (or the error)."""
    with transaction.atomic():
        run = StaffingRun.objects.select_for_update().get(pk=run.pk)
        run.status = RunStatus.RUNNING
        run.started_at = now()
        run.save(update_fields=["status", "started_at"])
    try:
        result = compute_site_week(run.site, run.week, progress=progress)
    except Exception as exc:
        run.status = RunStatus.FAILED
        run.error = f"{exc}\n{traceback.format_exc(limit=3)}"
        run.finished_at = now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.result = result
    run.status = RunStatus.DONE
    run.error = ""
    run.finished_at = now()
    run.save(update_fields=["result", "status", "error", "finished_at"])
    return run


def run_apply_plan(run: StaffingRun) -> StaffingRun:
    """Re-read the roster (and the counters) into stored advice without recomputing."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(run.site.timezone)
    monday = parse_week(run.week)
    week_start = datetime.combine(monday, datetime.min.time(), tzinfo=tz)
    plans = {
        (p.service_id, p.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")): p.staff
        for p in PlannedStaffing.objects.filter(
            site=run.site, starts_at__gte=week_start, starts_at__lt=week_start + timedelta(days=7)
        )
    }
    rows = run.result.get("rows", [])
    for row in rows:
        row["planned"] = plans.get((row["service"], f"{row['day']} {row['time']}"))
    # The counters as they are now: one added since the advice seats more of the plan.
    run.result["counters"] = site_counters(run.site)
    apply_counters(rows, run.result["counters"])
    run.save(update_fields=["result"])
    return run


def site_week(site, week: str, *, progress=None) -> StaffingRun:
    """The stored advice for a site and week, computing it first if there is none."""
    run = StaffingRun.objects.filter(site=site, week=week, status=RunStatus.DONE).first()
    if run is not None:
        return run
    return run_compute(run_request(site=site, week=week), progress=progress)
