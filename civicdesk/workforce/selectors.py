"""Reads for the workforce, already scoped to what the user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean

from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from civicdesk.core.clock import now
from civicdesk.organisations.models import StaffProfile
from civicdesk.organisations.permissions import Access, Area, Scope, scope_for, scope_queryset
from civicdesk.workforce.models import (
    EXPECTED_RATING,
    Assessment,
    AssessmentKind,
    AssessmentRating,
    Award,
    CompetencyProfile,
    Enrolment,
    EnrolmentStatus,
    Idea,
    PilotProgramme,
    ProfileStatus,
    ProgrammeRole,
    TrainingProgramme,
    TrainingSession,
)
from civicdesk.workforce.team import manages, staff_group_of, team_members


def _me(user) -> StaffProfile | None:
    return getattr(user, "staff_profile", None)


def competency_profile_list_for(user) -> QuerySet[CompetencyProfile]:
    profiles = scope_queryset(
        user, Area.WORKFORCE, Access.READ, CompetencyProfile.objects.select_related("agency")
    )
    if scope_for(user, Area.WORKFORCE, Access.READ) < Scope.AGENCY:
        me = _me(user)
        profiles = CompetencyProfile.objects.filter(
            agency_id=me.agency_id, status=ProfileStatus.PROMULGATED
        ).select_related("agency")
    return profiles


def competency_profile_for_me(user) -> CompetencyProfile | None:
    me = _me(user)
    if me is None or scope_for(user, Area.WORKFORCE, Access.READ) is Scope.NONE:
        return None
    return (
        CompetencyProfile.objects.filter(
            agency_id=me.agency_id, staff_group=staff_group_of(me), status=ProfileStatus.PROMULGATED
        )
        .prefetch_related("competencies__behaviours")
        .first()
    )


def may_see_person(user, subject: StaffProfile) -> bool:
    me = _me(user)
    if me is None:
        return False
    if me.pk == subject.pk:
        return scope_for(user, Area.WORKFORCE, Access.READ) is not Scope.NONE
    scope = scope_for(user, Area.WORKFORCE, Access.READ)
    if scope is Scope.ALL:
        return True
    if scope is Scope.AGENCY:
        return subject.agency_id == me.agency_id
    return manages(user, subject)


def assessment_list_for(user) -> QuerySet[Assessment]:
    base = Assessment.objects.select_related("subject", "assessor", "profile")
    scoped = scope_queryset(user, Area.WORKFORCE, Access.READ, base, staff_field="subject_id")
    if scope_for(user, Area.WORKFORCE, Access.READ) is Scope.UNIT:
        scoped = base.filter(
            Q(subject_id=_me(user).pk) | Q(subject__in=team_members(user).values("pk"))
        )
    return scoped


@dataclass
class BehaviourRow:
    competency: str
    behaviour: str
    behaviour_id: int
    competency_code: str = ""
    self_rating: int | None = None
    supervisor_rating: int | None = None

    @property
    def gap(self) -> int | None:
        if self.self_rating is None or self.supervisor_rating is None:
            return None
        return self.supervisor_rating - self.self_rating

    @property
    def is_need(self) -> bool:
        rating = self.supervisor_rating if self.supervisor_rating is not None else self.self_rating
        return rating is not None and rating < EXPECTED_RATING


@dataclass
class PersonSummary:
    subject: StaffProfile
    profile: CompetencyProfile | None
    self_assessment: Assessment | None
    supervisor_assessment: Assessment | None
    rows: list[BehaviourRow] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    current_period: str = ""
    done_now: set[str] = field(default_factory=set)  # kinds already submitted this quarter

    @property
    def self_average(self) -> float | None:
        values = [r.self_rating for r in self.rows if r.self_rating is not None]
        return round(mean(values), 2) if values else None

    @property
    def supervisor_average(self) -> float | None:
        values = [r.supervisor_rating for r in self.rows if r.supervisor_rating is not None]
        return round(mean(values), 2) if values else None

    @property
    def gap(self) -> float | None:
        if self.self_average is None or self.supervisor_average is None:
            return None
        return round(self.supervisor_average - self.self_average, 2)

    @property
    def need_codes(self) -> set[str]:
        return {r.competency_code for r in self.rows if r.is_need}


def person_summary(subject: StaffProfile) -> PersonSummary:
    """Latest self and supervisor assessment on each behaviour, the gap, and the trend."""
    from civicdesk.workforce.services import period_of, profile_in_force_for

    assessments = list(
        Assessment.objects.filter(subject=subject).select_related("assessor").order_by("-period")
    )
    latest = {}
    for a in assessments:
        latest.setdefault(a.kind, a)
    profile = profile_in_force_for(subject)
    summary = PersonSummary(
        subject=subject,
        profile=profile,
        self_assessment=latest.get(AssessmentKind.SELF),
        supervisor_assessment=latest.get(AssessmentKind.SUPERVISOR),
        current_period=period_of(now()),
    )
    summary.done_now = {a.kind for a in assessments if a.period == summary.current_period}
    ratings = {
        (r.assessment_id, r.behaviour_id): r.rating
        for r in AssessmentRating.objects.filter(assessment__in=list(latest.values()))
    }
    if profile is not None:
        for c in profile.competencies.all():
            for b in c.behaviours.all():
                row = BehaviourRow(
                    competency=c.display_name,
                    behaviour=b.display_text,
                    behaviour_id=b.id,
                    competency_code=c.code,
                )
                if summary.self_assessment:
                    row.self_rating = ratings.get((summary.self_assessment.id, b.id))
                if summary.supervisor_assessment:
                    row.supervisor_rating = ratings.get((summary.supervisor_assessment.id, b.id))
                summary.rows.append(row)
    summary.trend = assessment_trend(Assessment.objects.filter(subject=subject))
    return summary


def assessment_trend(assessments: QuerySet[Assessment]) -> list[dict]:
    """Average rating per period, self and supervisor: [{period, self, supervisor, people}]."""
    by_period: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    people: dict[str, set[int]] = defaultdict(set)
    rows = AssessmentRating.objects.filter(assessment__in=assessments).values_list(
        "assessment__period", "assessment__kind", "rating", "assessment__subject_id"
    )
    for period, kind, rating, subject_id in rows:
        by_period[period][kind].append(rating)
        people[period].add(subject_id)
    return [
        {
            "period": period,
            "self": round(mean(kinds["self"]), 2) if kinds["self"] else None,
            "supervisor": round(mean(kinds["supervisor"]), 2) if kinds["supervisor"] else None,
            "people": len(people[period]),
        }
        for period, kinds in sorted(by_period.items())
    ]


def completed_training_ids(staff: StaffProfile) -> set[int]:
    return set(
        Enrolment.objects.filter(staff=staff, status=EnrolmentStatus.COMPLETED).values_list(
            "session__training_id", flat=True
        )
    )


def training_needs(summary: PersonSummary, trainings: list[TrainingProgramme]) -> list[dict]:
    """What this person still needs: required training for their group and training that
    develops a competency where they are below the expected rating, less what they finished."""
    subject = summary.subject
    done = completed_training_ids(subject)
    booked = set(
        Enrolment.objects.filter(
            staff=subject, status=EnrolmentStatus.ENROLLED, session__starts_at__gte=now()
        ).values_list("session__training_id", flat=True)
    )
    group = staff_group_of(subject)
    gaps = summary.need_codes
    needs = []
    for t in trainings:
        if t.id in done:
            continue
        reasons = []
        if group in t.required_for:
            reasons.append("required")
        if gaps & set(t.competency_codes):
            reasons.append("gap")
        if reasons:
            needs.append({"training": t, "reasons": reasons, "booked": t.id in booked})
    return needs


def team_overview(user) -> list[dict]:
    members = list(team_members(user).order_by("display_name"))
    me = _me(user)
    trainings = list(TrainingProgramme.objects.filter(agency_id=me.agency_id, is_active=True))
    result = []
    for member in members:
        summary = person_summary(member)
        result.append(
            {"member": member, "summary": summary, "needs": training_needs(summary, trainings)}
        )
    return result


def training_list_for(user) -> QuerySet[TrainingProgramme]:
    return scope_queryset(user, Area.TRAINING, Access.READ, TrainingProgramme.objects.all())


def active_trainings_in_reader_order(user) -> QuerySet[TrainingProgramme]:
    """The active programmes the user may see, sorted by the title the reader sees (in Chinese,
    by code point): the model's order is the English title. Sorted in Python, as the reader's
    title comes from a JSON field; a queryset still, for a form's choice."""
    trainings = training_list_for(user).filter(is_active=True)
    shown = sorted(
        trainings.only("pk", "title", "titles"),
        key=lambda t: (t.display_title.casefold(), t.title.casefold(), t.pk),
    )
    if not shown:
        return trainings
    return trainings.order_by(Case(*[When(pk=t.pk, then=Value(i)) for i, t in enumerate(shown)]))


def session_list_for(user, *, upcoming_only: bool = False) -> QuerySet[TrainingSession]:
    me = _me(user)
    sessions = TrainingSession.objects.select_related("training", "site", "trainer", "agency")
    if scope_for(user, Area.TRAINING, Access.READ) is Scope.ALL:
        scoped = sessions
    elif scope_for(user, Area.TRAINING, Access.READ) is Scope.NONE or me is None:
        return sessions.none()
    else:
        # Sessions of the agency, and sessions another agency runs at one of its sites.
        scoped = sessions.filter(Q(agency_id=me.agency_id) | Q(site__agency_id=me.agency_id))
    if upcoming_only:
        scoped = scoped.filter(ends_at__gte=now())
    return (
        scoped.annotate(
            taken=Count("enrolments", filter=~Q(enrolments__status=EnrolmentStatus.WITHDRAWN))
        )
        .annotate(places_left=F("capacity") - F("taken"))
        .order_by("starts_at")
    )


def idea_list_for(user) -> QuerySet[Idea]:
    base = Idea.objects.select_related("site", "department", "submitted_by", "assignee", "agency")
    scope = scope_for(user, Area.WORKFORCE, Access.READ)
    me = _me(user)
    if scope is Scope.NONE or me is None:
        return base.none()
    if scope is Scope.ALL:
        return base
    if scope is Scope.AGENCY:
        return base.filter(agency_id=me.agency_id)
    condition = Q(submitted_by_id=me.pk) | Q(assignee_id=me.pk) | Q(team_lead_id=me.pk)
    if scope is Scope.UNIT:
        condition |= (
            Q(site__in=me.sites.all())
            | Q(department__in=me.departments.all())
            | Q(submitted_by__in=team_members(user).values("pk"))
        )
    return base.filter(condition, agency_id=me.agency_id).distinct()


def idea_counts(ideas: QuerySet[Idea], *, by: str) -> list[dict]:
    """Ideas initiated and implemented grouped by 'site', 'team' or 'period' (quarter)."""
    groups: dict[str, dict] = {}
    for idea in ideas.select_related("site", "team_lead"):
        if by == "site":
            key = idea.site.local_name() if idea.site else "—"
        elif by == "team":
            key = idea.team_lead.display_name if idea.team_lead else "—"
        else:
            from civicdesk.workforce.services import period_of

            key = period_of(idea.submitted_at)
        row = groups.setdefault(key, {"label": key, "initiated": 0, "implemented": 0})
        row["initiated"] += 1
        row["implemented"] += idea.status == "implemented"
    return sorted(groups.values(), key=lambda r: r["label"])


def award_list_for(user) -> QuerySet[Award]:
    return (
        scope_queryset(user, Area.WORKFORCE, Access.READ, Award.objects.select_related("agency"))
        if scope_for(user, Area.WORKFORCE, Access.READ) >= Scope.AGENCY
        else Award.objects.filter(agency_id=getattr(_me(user), "agency_id", None))
    )


def programme_list_for(user) -> QuerySet[PilotProgramme]:
    """Programmes of the user's agency or with a pilot site in it: for managers and above,
    and for anyone given a role in the programme."""
    me = _me(user)
    programmes = PilotProgramme.objects.select_related("agency")
    scope = scope_for(user, Area.WORKFORCE, Access.READ)
    if me is None or scope is Scope.NONE:
        return programmes.none()
    if scope is Scope.ALL:
        return programmes
    mine = Q(agency_id=me.agency_id) | Q(sites__site__agency_id=me.agency_id)
    if scope is Scope.OWN:
        mine = Q(roles__staff=me)
    return programmes.filter(mine).distinct()


def programme_roles(programme: PilotProgramme) -> QuerySet[ProgrammeRole]:
    return programme.roles.select_related("staff").order_by("role", "staff__display_name")
