"""Demand, forecast, staffing and redeployment pages (issue 9). They read stored advice
(StaffingRun); computing happens in the periodic job or when a manager asks for it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from civicdesk.audit.services import audit_record
from civicdesk.cases.models import IntakeChannel
from civicdesk.core.errors import ApplicationError
from civicdesk.core.spreadsheets import csv_response
from civicdesk.core.zones import local_time, render_in_zone
from civicdesk.insights import redeploy, staffing
from civicdesk.insights.models import StaffingRun
from civicdesk.insights.report import advice_rows
from civicdesk.organisations.models import Agency, Site
from civicdesk.organisations.permissions import (
    Access,
    Area,
    Scope,
    Target,
    can,
    require,
    scope_for,
    scope_queryset,
)
from civicdesk.pledges.charts import trend_svg
from civicdesk.queues.models import Channel, Service

# Lazy: the names are looked up in the language of each request, not at import.
WEEKDAYS = [
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
]
SERVICE_TIME_KINDS = {
    "empirical": gettext_lazy("measured"),
    "exponential": gettext_lazy("exponential"),
    "lognormal": gettext_lazy("lognormal"),
    "gamma": gettext_lazy("gamma"),
}


@dataclass
class Bar:
    """What pledges' trend_svg reads: a label, a value and whether it is on target."""

    label: str
    value: float | None
    met: bool


def _sites(user):
    return scope_queryset(
        user,
        Area.INSIGHTS,
        Access.READ,
        Site.objects.filter(is_active=True).select_related("agency"),
        agency_field="agency_id",
        site_field="pk",
    )


def _week(request) -> str:
    """The ISO week code, for addresses and the database; pages show people its Monday's date
    ("Week of 14 December 2026") from the `monday` in their context."""
    week = request.GET.get("week") or staffing.next_week()
    staffing.parse_week(week)  # a BadWeek becomes a 400 with its message
    return week


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    require(request.user, Area.INSIGHTS, Access.READ)
    try:
        week = _week(request)
    except staffing.BadWeek as error:
        # The week form is on this page: say what is wrong beside it, not on an error page.
        context = {"items": [], "week": request.GET.get("week", ""), "week_error": error.message}
        return render(request, "insights/home.html", context, status=400)
    sites = list(_sites(request.user).order_by("agency__code", "name"))
    runs = {
        r.site_id: r
        for r in StaffingRun.objects.filter(site__in=sites, week=week).only(
            "site_id", "status", "finished_at", "result"
        )
    }
    # Each site's time on its own clock; the zone is named only when the sites do not share one.
    several_zones = len({site.timezone for site in sites}) > 1
    items = []
    for site in sites:
        run = runs.get(site.pk)
        summary = _summary(run.result) if run and run.result else None
        computed = _site_time(run.finished_at, site, several_zones) if run else None
        items.append({"site": site, "run": run, "summary": summary, "computed": computed})
    agencies = []
    if scope_for(request.user, Area.INSIGHTS, Access.READ) >= Scope.AGENCY:
        agencies = sorted({site.agency for site in sites}, key=lambda a: a.code)
    return render(
        request,
        "insights/home.html",
        {"items": items, "week": week, "monday": staffing.parse_week(week), "agencies": agencies},
    )


def _site_time(moment, site: Site, with_zone: bool) -> dict | None:
    """When, on the wall clock of `site`: an ISO value for <time> and the words shown."""
    if moment is None:
        return None
    local = local_time(moment, site)
    text = date_format(local, "j M Y H:i")  # Django's Malay "P" says 2:02 malam for 14:02
    if with_zone:
        offset = local.strftime("%z")
        text = f"{text} (UTC{offset[:3]}:{offset[3:]})"
    return {"iso": local.isoformat(), "text": text}


def _summary(result: dict) -> dict:
    rows = result.get("rows", [])
    planned = [r for r in rows if r["planned"] is not None]
    return {
        "forecast": round(sum(r["forecast"] for r in rows)),
        "peak": _peak_staff(rows),
        "counters": len(result.get("counters") or []) or None,
        "short": sum(1 for r in planned if r["gap"] < 0),
        "spare": sum(1 for r in planned if r["gap"] > 0),
        "intervals": len(rows),
        "planned": len(planned),
        "backtest": result.get("backtest") or {},
    }


def _peak_staff(rows: list[dict]) -> int:
    """The most counters the site needs at once: every service's required staff added up in
    each 15-minute interval (each service has its own queue), at the busiest interval."""
    at_once: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["day"], row["time"])
        at_once[key] = at_once.get(key, 0) + row["required"]
    return max(at_once.values(), default=0)


def _site_or_404(user, pk: int) -> Site:
    return get_object_or_404(_sites(user), pk=pk)


def _gap_label(gap, room=None) -> tuple[str, str]:
    if gap is None:
        return "", _("No plan")
    if gap < 0 and room is not None and room < -gap:
        # More than the counters seat: staff alone cannot close this part of the gap.
        return "govuk-tag--red", _("Short by %(n)s (%(beyond)s beyond the counters)") % {
            "n": -gap,
            "beyond": -gap - room,
        }
    if gap < 0:
        return "govuk-tag--red", _("Short by %(n)s") % {"n": -gap}
    if gap > 0:
        return "govuk-tag--blue", _("Spare %(n)s") % {"n": gap}
    return "govuk-tag--green", _("Covered")


def _plan_level(row: dict) -> str:
    """The simulated service level with the planned staff: known at the required number and one
    fewer; beyond those, the bound the simulations give (more counters do no worse, fewer no
    better)."""
    # Staff without a counter serve nobody: the level is that of the staff seated.
    seated = row.get("on_counters")
    planned, gap = (row["planned"] if seated is None else seated), row["gap"]
    at_required, one_fewer = row["simulated_level"], row["simulated_one_fewer"]

    def shown(level: float) -> str:
        return f"{_percent(level):.1f}%"

    if planned is None:
        return "–"
    if gap == 0:
        return shown(at_required)
    if planned == 0:
        return shown(0.0)
    if gap == -1 and one_fewer is not None:
        return shown(one_fewer)
    if gap > 0:
        return _("at least %(level)s") % {"level": shown(at_required)}
    if one_fewer is None:
        return "–"
    return _("below %(level)s") % {"level": shown(one_fewer)}


@login_required
@require_GET
def site(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_or_404(request.user, pk)
    week = _week(request)
    run = StaffingRun.objects.filter(site=site, week=week).first()
    context = {"site": site, "week": week, "monday": staffing.parse_week(week), "run": run}
    if run is not None and run.result:  # also the earlier advice while it is computed again
        context.update(_site_context(request, run.result))
    return render_in_zone(site, request, "insights/site.html", context)  # "computed 14:02" there


def _site_context(request, result: dict) -> dict:
    days = result["days"]
    day = request.GET.get("day") or days[0]
    if day not in days:
        raise Http404
    services = result["services"]
    names = {s["id"]: s["name"] for s in services}
    # The advice stored the names as they were; a name in the reader's language where one exists
    # (with the ticket letter where the stored name had it: the tables of the whole week).
    headers = dict(names)
    for service in Service.objects.filter(pk__in=list(names)):
        names[service.pk] = service.local_name()
        headers[service.pk] = f"{service.prefix} {service.local_name()}"
    rows_of_day = [r for r in result["rows"] if r["day"] == day]
    by_time: dict[str, list] = {}
    for row in rows_of_day:
        css, label = _gap_label(row["gap"], row.get("room"))
        by_time.setdefault(row["time"], []).append(
            {
                **row,
                "service_name": names.get(row["service"], ""),
                "gap_css": css,
                "gap_label": label,
                "simulated_percent": _percent(row["simulated_level"]),
                "one_fewer_percent": _percent(row["simulated_one_fewer"]),
                "plan_level": _plan_level(row),
                "off_counters": (row["planned"] or 0) - (row.get("on_counters") or 0)
                if row["planned"] is not None and row.get("on_counters") is not None
                else 0,
            }
        )
    demand = result.get("demand") or {}
    # The chart shortens labels longer than four characters: "08", not "08:00".
    hourly = [Bar(r["hour"][:2], _mean_of(r["weekdays"]), True) for r in demand.get("rows", [])]
    known = [b.value for b in hourly if b.value is not None]
    average = sum(known) / len(known) if known else 0.0
    demand_chart = (
        trend_svg(
            results=hourly,
            target=round(average, 2),
            chart_id="demand-chart",
            title=_("Mean arrivals per hour of the day"),
            lower_is_better=False,
            description=_(
                "Bars: mean visitors arriving in each hour over the last %(weeks)s weeks, all "
                "open days. Dashed line: the mean over all hours, %(mean)s. The figures by "
                "weekday are in the table below."
            )
            % {"weeks": demand.get("weeks", 8), "mean": f"{average:.1f}"},
        )
        if hourly
        else ""
    )
    coverage = []
    coverage_rows = []
    for d in days:
        planned = [r for r in result["rows"] if r["day"] == d and r["planned"] is not None]
        if planned:
            short = sum(1 for r in planned if r["gap"] < 0)
            covered = 100 * (len(planned) - short) / len(planned)
            coverage.append(Bar(str(date.fromisoformat(d).day), round(covered, 1), short == 0))
            coverage_rows.append(
                {
                    "iso": d,
                    "label": _day_label(d),
                    "planned": len(planned),
                    "short": short,
                    "covered": round(covered, 1),
                }
            )
    coverage_chart = (
        trend_svg(
            results=coverage,
            target=100,
            chart_id="coverage-chart",
            title=_("Intervals covered by the plan, per day"),
            lower_is_better=False,
            description=_(
                "Bars: the percentage of each day's open intervals where the planned staff "
                "reach the required number; green where every interval is covered, orange "
                "where some are short. Dashed line: 100%. Each interval is in the table below."
            ),
        )
        if coverage
        else ""
    )
    forecast_by_day = []
    for d in days:
        # Whole visitors, and the total is the sum of the figures shown: a row adds up.
        per_service = [
            round(
                sum(
                    r["forecast"]
                    for r in result["rows"]
                    if r["day"] == d and r["service"] == s["id"]
                )
            )
            for s in services
        ]
        # The day's ISO date stays in the page as <time datetime>, its label as the reader writes.
        forecast_by_day.append(
            {
                "day": d,
                "label": _day_label(d),
                "per_service": per_service,
                "total": sum(per_service),
            }
        )
    return {
        "day": day,
        "day_label": _full_day_label(day),
        "days": [{"iso": d, "label": _day_label(d)} for d in days],
        "services": [
            {
                **s,
                "name": headers.get(s["id"], s["name"]),
                "service_kind_label": SERVICE_TIME_KINDS.get(s["service_kind"], s["service_kind"]),
            }
            for s in services
        ],
        "by_time": sorted(by_time.items()),
        "demand": demand,
        "ticket_channels": _labelled(demand.get("channels") or {}, _ticket_channels()),
        "case_channels": _labelled(demand.get("contacts") or {}, _case_channels()),
        "weekdays": WEEKDAYS,
        "demand_chart": demand_chart,
        "coverage": coverage,
        "coverage_rows": coverage_rows,
        "coverage_chart": coverage_chart,
        "forecast_by_day": forecast_by_day,
        "backtest": result.get("backtest") or {},
        "counters": len(result.get("counters") or []) or None,
        "computed_at": result.get("computed_at"),
        # ISO dates stored; shown as the reader writes a date ("9 Jun 2026", "2026年6月9日").
        "history_from": _date_label(result.get("history_from")),
        "history_to": _date_label(result.get("history_to")),
    }


def _day_label(iso: str) -> str:
    """Like "Mon 14 Dec", in the language of the request."""
    return date_format(date.fromisoformat(iso), "D j M")


def _full_day_label(iso: str) -> str:
    """Like "Monday 14 December 2026" ("2026年12月14日（星期一）"), in the language of the request."""
    return date_format(date.fromisoformat(iso), "l j F Y")


def _date_label(iso: str | None) -> str:
    return date_format(date.fromisoformat(iso), "j M Y") if iso else "–"


def _percent(level: float | None) -> float | None:
    return None if level is None else round(100 * level, 1)


def _ticket_channels() -> dict:
    return dict(Channel.choices)


def _case_channels() -> dict:
    return dict(IntakeChannel.choices)


def _labelled(counts: dict, labels: dict) -> list[tuple[str, int]]:
    """Stored channel codes with their translated names (a code no longer known shows as is)."""
    return [(str(labels.get(code, code)), n) for code, n in counts.items()]


def _mean_of(values) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 2) if known else None


@login_required
@require_POST
def site_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the advice to be (re)computed; the periodic job does it within a minute."""
    site = _site_or_404(request.user, pk)
    week = request.POST.get("week") or staffing.next_week()
    require(
        request.user,
        Area.INSIGHTS,
        Access.READ,
        Target(agency_id=site.agency_id, site_id=site.pk),
    )
    with transaction.atomic():
        run = staffing.run_request(site=site, week=week)
        audit_record(
            actor=request.user,
            action="insights.staffing_requested",
            target=run,
            agency=site.agency,
            data={"site": site.code, "week": week},
        )
    return redirect(f"{reverse('insights:site', args=[site.pk])}?week={week}")


@login_required
@require_GET
def site_csv(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_or_404(request.user, pk)
    week = _week(request)
    run = StaffingRun.objects.filter(site=site, week=week).first()
    if run is None or not run.result:
        raise Http404
    # For the manager's spreadsheet, as the performance export: service names in Chinese.
    response = csv_response(f"staffing-{site.code}-{week}.csv", for_excel=True)
    header, rows = advice_rows(run.result)
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _sees_agency_moves(user, agency: Agency) -> bool:
    """Agency-wide readers see its moves; a team lead those touching their sites in it."""
    if scope_for(user, Area.INSIGHTS, Access.READ) >= Scope.AGENCY:
        return can(user, Area.INSIGHTS, Access.READ, Target(agency_id=agency.pk))
    return _sites(user).filter(agency=agency).exists()


@login_required
@require_GET
def agency_redeploy(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=pk)
    if not _sees_agency_moves(request.user, agency):
        require(request.user, Area.INSIGHTS, Access.READ, Target(agency_id=agency.pk))  # 403
        raise Http404
    week = _week(request)
    plan = redeploy.agency_plan(agency, week)
    if scope_for(request.user, Area.INSIGHTS, Access.READ) < Scope.AGENCY:
        # A team lead: the moves into and out of their own sites.
        own = set(_sites(request.user).filter(agency=agency).values_list("pk", flat=True))
        plan["moves"] = [
            m for m in plan["moves"] if m["to_site_id"] in own or m["from_site_id"] in own
        ]
        plan["own_sites_only"] = True
    may_write = scope_for(request.user, Area.INSIGHTS, Access.WRITE) is not Scope.NONE
    for move in plan["moves"]:
        move["day_label"] = _day_label(move["day"])  # "Mon 14 Dec", as on the site pages
        move["can_accept"] = may_write and can(
            request.user,
            Area.INSIGHTS,
            Access.WRITE,
            Target(agency_id=agency.pk, site_id=move["to_site_id"]),
        )
    return render(
        request,
        "insights/redeploy.html",
        {
            "agency": agency,
            "week": week,
            "monday": staffing.parse_week(week),
            "plan": plan,
            "can_accept": any(m["can_accept"] for m in plan["moves"]),
            "may_write": may_write,
        },
    )


@login_required
@require_POST
def agency_redeploy_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Put one suggested move into the roster: an agency admin any move, a team lead a move
    into a site of theirs (redeploy.move_accept checks it again, with the audit)."""
    agency = get_object_or_404(Agency, pk=pk)
    if not _sees_agency_moves(request.user, agency):
        raise Http404
    to_service = _int(request.POST.get("to_service"))
    require(
        request.user, Area.INSIGHTS, Access.WRITE, redeploy.accept_target(agency, to_service)
    )  # else 403
    week = request.POST.get("week") or staffing.next_week()
    staffing.parse_week(week)  # a BadWeek becomes a 400 with its message
    try:
        move = redeploy.move_accept(
            actor=request.user,
            agency=agency,
            week=week,
            day=request.POST.get("day", "")[:10],
            block=request.POST.get("block", ""),
            from_service=_int(request.POST.get("from_service")),
            to_service=to_service,
            staff=_int(request.POST.get("staff")),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Roster changed: %(n)d from %(source)s to %(target)s on %(day)s.")
            % {
                "n": move["staff"],
                "source": f"{move['from_site']}: {move['from_service']}",
                "target": f"{move['to_site']}: {move['to_service']}",
                "day": _day_label(move["day"]),
            },
        )
    return redirect(f"{reverse('insights:redeploy', args=[agency.pk])}?week={week}")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
