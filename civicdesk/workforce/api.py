"""JSON API for the workforce: ideas, training sessions and enrolment, programme progress."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from civicdesk.core.errors import NotFound, ValidationFailed
from civicdesk.organisations.models import Site, StaffProfile
from civicdesk.workforce import selectors, services
from civicdesk.workforce.models import IdeaStatus
from civicdesk.workforce.report import programme_report

router = Router(tags=["workforce"])


class IdeaIn(Schema):
    title: str
    problem: str
    proposal: str
    expected_benefit: str
    site_id: int | None = None
    service: str = ""


class IdeaOut(Schema):
    id: int
    title: str
    status: str
    site: str | None
    submitted_by: str
    assignee: str | None
    submitted_at: datetime
    implemented_at: datetime | None


class IdeaTransitionIn(Schema):
    to: str
    note: str = ""
    assignee_id: int | None = None


class SessionOut(Schema):
    id: int
    training: str = Field(
        description="The training's title in the language of the request (Accept-Language, as "
        "the pages choose it; as competencies and behaviours in the assessment), else English"
    )
    training_en: str = Field(description="The training's title as written, in English")
    site: str
    trainer: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    places_left: int


class EnrolIn(Schema):
    staff_id: int | None = None


class EnrolmentOut(Schema):
    id: int
    session_id: int
    staff: str
    status: str


class ProgrammeProgressOut(Schema):
    id: int
    name: str
    pilot_sites: int
    milestones: dict
    ideas: dict
    training: dict
    surveys: dict


def _idea_out(idea) -> IdeaOut:
    return IdeaOut(
        id=idea.pk,
        title=idea.title,
        status=idea.status,
        site=idea.site.code if idea.site else None,
        submitted_by=idea.submitted_by.display_name,
        assignee=idea.assignee.display_name if idea.assignee else None,
        submitted_at=idea.submitted_at,
        implemented_at=idea.implemented_at,
    )


@router.get("/ideas", response=list[IdeaOut])
def list_ideas(request: HttpRequest, status: str | None = None):
    ideas = selectors.idea_list_for(request.user)
    if status:
        ideas = ideas.filter(status=status)
    return [_idea_out(i) for i in ideas[:500]]


@router.post("/ideas", response={201: IdeaOut})
def submit_idea(request: HttpRequest, payload: IdeaIn):
    site = None
    if payload.site_id is not None:
        site = Site.objects.filter(pk=payload.site_id).first()
        if site is None:
            raise ValidationFailed(_("Unknown site."), field="site_id")
    idea = services.idea_submit(
        actor=request.user,
        title=payload.title,
        problem=payload.problem,
        proposal=payload.proposal,
        expected_benefit=payload.expected_benefit,
        site=site,
        service=payload.service,
    )
    return Status(201, _idea_out(idea))


@router.post("/ideas/{idea_id}/transition", response=IdeaOut)
def transition_idea(request: HttpRequest, idea_id: int, payload: IdeaTransitionIn):
    idea = selectors.idea_list_for(request.user).filter(pk=idea_id).first()
    if idea is None:
        raise NotFound(_("No such idea."))
    if payload.to == IdeaStatus.REVIEWED:
        idea = services.idea_review(actor=request.user, idea=idea)
    elif payload.to == IdeaStatus.APPROVED:
        assignee = None
        if payload.assignee_id is not None:
            assignee = StaffProfile.objects.filter(pk=payload.assignee_id).first()
            if assignee is None:
                raise ValidationFailed(_("Unknown assignee."), field="assignee_id")
        idea = services.idea_approve(
            actor=request.user, idea=idea, assignee=assignee, note=payload.note
        )
    elif payload.to == IdeaStatus.IMPLEMENTED:
        idea = services.idea_implement(actor=request.user, idea=idea, note=payload.note)
    elif payload.to == IdeaStatus.DECLINED:
        idea = services.idea_decline(actor=request.user, idea=idea, note=payload.note)
    else:
        raise ValidationFailed(_("Choose reviewed, approved, implemented or declined."), field="to")
    return _idea_out(idea)


@router.get("/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest):
    return [
        SessionOut(
            id=s.pk,
            training=s.training.display_title,
            training_en=s.training.title,
            site=s.site.code,
            trainer=s.trainer.display_name,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            capacity=s.capacity,
            places_left=max(s.capacity - s.taken, 0),
        )
        for s in selectors.session_list_for(request.user, upcoming_only=True)[:500]
    ]


@router.post("/sessions/{session_id}/enrolments", response={201: EnrolmentOut})
def enrol(request: HttpRequest, session_id: int, payload: EnrolIn):
    session = selectors.session_list_for(request.user).filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("No such session."))
    me = getattr(request.user, "staff_profile", None)
    staff = me
    if payload.staff_id is not None:
        staff = StaffProfile.objects.select_related("user").filter(pk=payload.staff_id).first()
        if staff is None:
            raise ValidationFailed(_("Unknown staff member."), field="staff_id")
    if staff is None:
        raise ValidationFailed(_("Say whom to enrol."), field="staff_id")
    enrolment = services.enrolment_create(actor=request.user, session=session, staff=staff)
    return Status(
        201,
        EnrolmentOut(
            id=enrolment.pk,
            session_id=session.pk,
            staff=staff.display_name,
            status=enrolment.status,
        ),
    )


@router.get("/programmes/{programme_id}/progress", response=ProgrammeProgressOut)
def programme_progress(request: HttpRequest, programme_id: int):
    from civicdesk.organisations.permissions import Access, Area, Scope, scope_for

    programme = selectors.programme_list_for(request.user).filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(_("No such programme."))
    if (
        scope_for(request.user, Area.WORKFORCE, Access.READ) < Scope.UNIT
        and not programme.roles.filter(staff=request.user.staff_profile).exists()
    ):
        raise NotFound(_("No such programme."))
    data = programme_report(programme)
    training = {k: v for k, v in data["training"].items() if k not in ("per_site", "upcoming")}
    return ProgrammeProgressOut(
        id=programme.pk,
        name=programme.name,
        pilot_sites=len(data["sites"]),
        milestones=data["milestones"]["counts"],
        ideas=data["ideas"]["totals"],
        training=training,
        surveys=data["surveys"],
    )


class BehaviourRatingOut(Schema):
    competency: str
    behaviour: str
    self_rating: int | None
    supervisor_rating: int | None
    gap: int | None
    development_need: bool


class PersonAssessmentOut(Schema):
    staff_id: int
    name: str
    staff_group: str
    profile: str | None = Field(
        description="The competency profile's title and version in the language of the request "
        "(Accept-Language), as competency and behaviour, else English"
    )
    profile_en: str | None = Field(description="The profile's title and version in English")
    self_period: str | None
    supervisor_period: str | None
    self_average: float | None
    supervisor_average: float | None
    gap: float | None
    behaviours: list[BehaviourRatingOut]
    trend: list[dict]
    training_needed: list[str]


@router.get("/people/{staff_id}/assessment", response=PersonAssessmentOut)
def person_assessment(request: HttpRequest, staff_id: int):
    """Latest self and supervisor ratings, the gap, the trend and training still needed."""
    from civicdesk.workforce.team import staff_group_of

    subject = StaffProfile.objects.select_related("user").filter(pk=staff_id).first()
    if subject is None or not selectors.may_see_person(request.user, subject):
        raise NotFound(_("No such person in your reach."))
    summary = selectors.person_summary(subject)
    trainings = list(selectors.training_list_for(request.user).filter(is_active=True))
    return PersonAssessmentOut(
        staff_id=subject.pk,
        name=subject.display_name,
        staff_group=staff_group_of(subject),
        profile=summary.profile.display_label if summary.profile else None,
        profile_en=str(summary.profile) if summary.profile else None,
        self_period=summary.self_assessment.period if summary.self_assessment else None,
        supervisor_period=(
            summary.supervisor_assessment.period if summary.supervisor_assessment else None
        ),
        self_average=summary.self_average,
        supervisor_average=summary.supervisor_average,
        gap=summary.gap,
        behaviours=[
            BehaviourRatingOut(
                competency=r.competency,
                behaviour=r.behaviour,
                self_rating=r.self_rating,
                supervisor_rating=r.supervisor_rating,
                gap=r.gap,
                development_need=r.is_need,
            )
            for r in summary.rows
        ],
        trend=summary.trend,
        training_needed=[n["training"].code for n in selectors.training_needs(summary, trainings)],
    )
