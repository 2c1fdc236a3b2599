"""The pilot programme's progress report: one dict, rendered as HTML or PDF."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from statistics import mean

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.core.clock import now
from civicdesk.organisations.models import Site, StaffProfile
from civicdesk.surveys.evaluation import evaluate
from civicdesk.surveys.selectors import site_answers
from civicdesk.workforce.charts import bar_chart
from civicdesk.workforce.models import (
    AssessmentRating,
    Enrolment,
    EnrolmentStatus,
    Idea,
    IdeaStatus,
    PilotProgramme,
    TrainingSession,
)

NO_SURVEY_DATA = "no survey data yet"
# WeasyPrint logs every layout step at INFO; the report command prints its own progress.
logging.getLogger("weasyprint").setLevel(logging.WARNING)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def programme_survey_comparison(programme: PilotProgramme) -> dict:
    """Customer survey scores before and after the programme start, pilot sites vs the rest:
    CSAT as the share satisfied and NPS, as the surveys dashboards and pledges give them
    (`surveys.selectors.site_answers`). Asked four times: pilot and other sites, in the window
    of the programme's length in whole days before its start ("before") and from its start to
    today or its end ("after"). All agencies' responses count: a pilot spans agencies. The
    table's figures and the sentences under it (whether the change is real) come from the same
    answers, shown to the same decimal. Without any response in those windows:
    {"available": False, "message": "no survey data yet"}."""
    pilot_ids, other_ids = _site_split(programme)
    last = min(programme.ends_on, timezone.localdate(now()))
    days = max((last - programme.starts_on).days + 1, 1)
    start = _start_of(programme.starts_on)
    windows = {
        "before": (_start_of(programme.starts_on - timedelta(days=days)), start),
        "after": (start, max(_start_of(last + timedelta(days=1)), start)),
    }
    answers = {
        (group, name): site_answers(site_ids=ids, start=a, end=b)
        for group, ids in (("pilot", pilot_ids), ("other", other_ids))
        for name, (a, b) in windows.items()
    }
    if not any(found.responses for found in answers.values()):
        return {"available": False, "message": NO_SURVEY_DATA}
    rows = [
        {"group": group} | {name: answers[group, name].scores() for name in windows}
        for group in ("pilot", "other")
    ]
    # The days each window covers, first and last, so a reader knows what is compared.
    shown_days = {
        name: (timezone.localdate(a), timezone.localdate(max(a, b - timedelta(microseconds=1))))
        for name, (a, b) in windows.items()
    }
    return {
        "available": True,
        "rows": rows,
        "windows": shown_days,
        "tests": _survey_tests(answers) if pilot_ids else [],
    }


def _survey_tests(answers: dict) -> list[dict]:
    """Whether the change at the pilot sites is more than chance (Welch's t-test, before against
    after) and more than the trend at the other sites (difference-in-differences), for CSAT and
    NPS, as the surveys evaluation page words it (`surveys.evaluation`), on the very answers the
    table counts."""
    metrics = ("csat", "nps", "ces")
    evaluation = evaluate(
        {m: (answers["pilot", "before"].raw[m], answers["pilot", "after"].raw[m]) for m in metrics},
        {m: (answers["other", "before"].raw[m], answers["other", "after"].raw[m]) for m in metrics},
    )
    return [
        {"metric": c.metric, "verdict": c.verdict, "explanation": c.explanation}
        for c in evaluation.comparisons
        if c.metric in ("csat", "nps")
    ]


def _site_split(programme: PilotProgramme) -> tuple[list[int], list[int]]:
    pilot_ids = list(programme.sites.values_list("site_id", flat=True))
    agencies = set(Site.objects.filter(pk__in=pilot_ids).values_list("agency_id", flat=True))
    agencies.add(programme.agency_id)
    other_ids = list(
        Site.objects.filter(agency_id__in=agencies, is_active=True)
        .exclude(pk__in=pilot_ids)
        .values_list("pk", flat=True)
    )
    return pilot_ids, other_ids


def _milestones(programme: PilotProgramme, today: date) -> dict:
    rows = []
    counts = {"done_on_time": 0, "done_late": 0, "overdue": 0, "open": 0}
    for m in programme.milestones.select_related("owner"):
        if m.completed_on is not None:
            state = "done_on_time" if m.completed_on <= m.due_on else "done_late"
        else:
            state = "overdue" if m.due_on < today else "open"
        counts[state] += 1
        rows.append(
            {
                "milestone": m,
                "state": state,
                "days_late": ((m.completed_on or today) - m.due_on).days,
            }
        )
    return {"rows": rows, "counts": counts, "total": len(rows)}


def _ideas(programme: PilotProgramme, pilot_ids: list[int], other_ids: list[int]) -> dict:
    window = Q(
        submitted_at__gte=_start_of(programme.starts_on),
        submitted_at__lt=_start_of(programme.ends_on + timedelta(days=1)),
    )
    ideas = Idea.objects.filter(window).select_related("site", "submitted_by")
    per_site = {sid: {"initiated": 0, "implemented": 0} for sid in pilot_ids}
    totals = {
        "pilot": {"initiated": 0, "implemented": 0},
        "other": {"initiated": 0, "implemented": 0},
    }
    listed = []
    for idea in ideas.filter(site_id__in=pilot_ids + other_ids):
        group = "pilot" if idea.site_id in per_site else "other"
        implemented = idea.status == IdeaStatus.IMPLEMENTED
        totals[group]["initiated"] += 1
        totals[group]["implemented"] += implemented
        if group == "pilot":
            per_site[idea.site_id]["initiated"] += 1
            per_site[idea.site_id]["implemented"] += implemented
            listed.append(idea)
    for group, ids in (("pilot", pilot_ids), ("other", other_ids)):
        totals[group]["per_site"] = round(totals[group]["initiated"] / len(ids), 2) if ids else 0
    return {
        "per_site": per_site,
        "totals": totals,
        "listed": sorted(listed, key=lambda i: i.submitted_at, reverse=True)[:25],
    }


def _staff_at(site_ids: list[int]):
    return StaffProfile.objects.filter(sites__in=site_ids, user__is_active=True).distinct()


# The report goes to everyone in the programme (officers of every agency included): an average
# over fewer people than this would tell them one or two colleagues' own ratings, so it is
# not shown (the cell says why). Each person's own ratings stay on their own pages.
MIN_PEOPLE = 3


def _average(ratings: list[tuple[int, int]]) -> float | None:
    """Mean of (person, rating) pairs over at least MIN_PEOPLE people, else None."""
    if len({person for person, _rating in ratings}) < MIN_PEOPLE:
        return None
    return round(mean(rating for _person, rating in ratings), 2)


def _assessments(programme: PilotProgramme, pilot_ids: list[int], other_ids: list[int]) -> dict:
    result = {"periods": [], "per_site": {}, "min_people": MIN_PEOPLE}
    periods: dict[str, dict] = {}
    for group, ids in (("pilot", pilot_ids), ("other", other_ids)):
        staff_ids = list(_staff_at(ids).values_list("pk", flat=True))
        rows = AssessmentRating.objects.filter(assessment__subject_id__in=staff_ids).values_list(
            "assessment__period", "assessment__kind", "assessment__subject_id", "rating"
        )
        for period, kind, person, rating in rows:
            periods.setdefault(period, {}).setdefault((group, kind), []).append((person, rating))
    for period in sorted(periods):
        values = periods[period]
        result["periods"].append(
            {
                "period": period,
                **{
                    f"{g}_{k}": _average(values.get((g, k), []))
                    for g in ("pilot", "other")
                    for k in ("self", "supervisor")
                },
            }
        )
    # Each pilot site's averages count only assessments made during the programme, like its
    # ideas: ratings from before the start are the baseline the period table shows.
    during = Q(
        assessment__submitted_at__gte=_start_of(programme.starts_on),
        assessment__submitted_at__lt=_start_of(programme.ends_on + timedelta(days=1)),
    )
    for sid in pilot_ids:
        ratings = AssessmentRating.objects.filter(
            during, assessment__subject__in=_staff_at([sid]).values("pk")
        )
        by_kind: dict[str, list[tuple[int, int]]] = {"self": [], "supervisor": []}
        for kind, person, rating in ratings.values_list(
            "assessment__kind", "assessment__subject_id", "rating"
        ):
            by_kind[kind].append((person, rating))
        result["per_site"][sid] = {k: _average(v) for k, v in by_kind.items()} | {
            "assessed": ratings.values("assessment__subject").distinct().count(),
            "few": {k: bool(v) and _average(v) is None for k, v in by_kind.items()},
        }
    return result


def _training(programme: PilotProgramme, pilot_ids: list[int]) -> dict:
    sessions = TrainingSession.objects.filter(site_id__in=pilot_ids, cancelled_at__isnull=True)
    enrolments = Enrolment.objects.filter(session__in=sessions).exclude(
        status=EnrolmentStatus.WITHDRAWN
    )
    per_site = {}
    for sid in pilot_ids:
        staff = _staff_at([sid])
        headcount = staff.count()
        trained = (
            Enrolment.objects.filter(staff__in=staff, status=EnrolmentStatus.COMPLETED)
            .values("staff")
            .distinct()
            .count()
        )
        per_site[sid] = {
            "staff": headcount,
            "trained": trained,
            "rate": round(100 * trained / headcount) if headcount else None,
            "sessions": sessions.filter(site_id=sid).count(),
        }
    staff = _staff_at(pilot_ids)
    headcount = staff.count()
    trained = (
        Enrolment.objects.filter(staff__in=staff, status=EnrolmentStatus.COMPLETED)
        .values("staff")
        .distinct()
        .count()
    )
    return {
        "sessions": sessions.count(),
        "places": sum(s.capacity for s in sessions),
        "enrolled": enrolments.count(),
        "completed": enrolments.filter(status=EnrolmentStatus.COMPLETED).count(),
        "staff": headcount,
        "trained": trained,
        "rate": round(100 * trained / headcount) if headcount else None,
        "per_site": per_site,
        # Someone at two pilot sites counts at both: the sites' staff add up to more than this.
        "counted_twice": sum(s["staff"] for s in per_site.values()) > headcount,
        "upcoming": list(
            sessions.filter(starts_at__gte=now()).select_related("training", "site", "trainer")[:20]
        ),
    }


def programme_report(
    programme: PilotProgramme, *, progress: Callable[[str], None] | None = None
) -> dict:
    step = progress or (lambda _msg: None)
    today = timezone.localdate(now())
    pilot_ids, other_ids = _site_split(programme)
    sites = {s.pk: s for s in Site.objects.filter(pk__in=pilot_ids).select_related("agency")}
    step(_("Milestones"))
    milestones = _milestones(programme, today)
    step(_("Improvement ideas"))
    ideas = _ideas(programme, pilot_ids, other_ids)
    step(_("Assessments"))
    assessments = _assessments(programme, pilot_ids, other_ids)
    step(_("Training"))
    training = _training(programme, pilot_ids)
    step(_("Customer surveys"))
    surveys = programme_survey_comparison(programme)
    site_rows = []
    for pilot in programme.sites.select_related("site__agency", "owner"):
        sid = pilot.site_id
        site_rows.append(
            {
                "site": sites.get(sid, pilot.site),
                "owner": pilot.owner,
                "ideas": ideas["per_site"].get(sid, {}),
                "assessment": assessments["per_site"].get(sid, {}),
                "training": training["per_site"].get(sid, {}),
            }
        )
    labels = [r["site"].display_name for r in site_rows]  # as the tables name them
    charts = {
        "ideas": bar_chart(
            title=_("Ideas initiated and implemented per pilot site"),
            labels=labels,
            series=[
                (_("Initiated"), [r["ideas"].get("initiated", 0) for r in site_rows]),
                (_("Implemented"), [r["ideas"].get("implemented", 0) for r in site_rows]),
            ],
        ),
        "assessments": bar_chart(
            title=_(
                "Average rating per pilot site during the programme, self and supervisor (1 to 4)"
            ),
            labels=labels,
            max_value=4,
            series=[
                (_("Self"), [r["assessment"].get("self") for r in site_rows]),
                (_("Supervisor"), [r["assessment"].get("supervisor") for r in site_rows]),
            ],
        ),
        "training": bar_chart(
            title=_("Staff who completed training, per pilot site (%)"),
            labels=labels,
            max_value=100,
            unit="%",
            series=[(_("Completed"), [r["training"].get("rate") for r in site_rows])],
        ),
    }
    return {
        "programme": programme,
        "generated_at": now(),
        "today": today,
        "sites": site_rows,
        "other_site_count": len(other_ids),
        "roles": list(
            programme.roles.exclude(role="staff").select_related("staff").order_by("role")
        ),
        "milestones": milestones,
        "ideas": ideas,
        "assessments": assessments,
        "training": training,
        "surveys": surveys,
        "charts": charts,
    }


def render_report_html(programme: PilotProgramme, *, progress=None, request=None) -> str:
    context = programme_report(programme, progress=progress)
    return render_to_string("workforce/report_document.html", context, request=request)


def render_report_pdf(programme: PilotProgramme, *, progress=None) -> bytes:
    from weasyprint import HTML

    html = render_report_html(programme, progress=progress)
    if progress:
        progress(_("Laying out the PDF"))
    return HTML(string=html, base_url=None).write_pdf()
