"""Writes for the workforce: each keyword-only, atomic, permission-checked and audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.core.clock import now
from civicdesk.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from civicdesk.notify.services import notify_enqueue
from civicdesk.organisations.models import Department, Site, StaffProfile
from civicdesk.organisations.permissions import Access, Area, Target, can, require
from civicdesk.workforce.models import (
    Assessment,
    AssessmentKind,
    AssessmentRating,
    Award,
    Behaviour,
    Competency,
    CompetencyProfile,
    Enrolment,
    EnrolmentStatus,
    Idea,
    IdeaStatus,
    Milestone,
    Nomination,
    PilotProgramme,
    PilotSite,
    ProfileAcknowledgement,
    ProfileStatus,
    ProgrammeRole,
    ProgrammeRoleKind,
    Rating,
    StaffGroup,
    TrainingProgramme,
    TrainingSession,
    WorkforceProfile,
)
from civicdesk.workforce.opening import require_site_open
from civicdesk.workforce.team import manages, profile_of, require_manages, staff_group_of
from civicdesk.workforce.workflows import IDEA_WORKFLOW


def period_of(instant: datetime) -> str:
    """The assessment period (calendar quarter, local time) an instant falls in, e.g. 2026-Q4."""
    instant = timezone.localtime(instant)
    return f"{instant.year}-Q{(instant.month - 1) // 3 + 1}"


def _agency_target(agency_id: int) -> Target:
    return Target(agency_id=agency_id)


def _local_texts(model, field: str, value: Mapping | None) -> dict:
    """A {language code: text} value for one of the model's other-language fields, checked by
    that field's validators: empty texts dropped, each text stripped."""
    texts = value
    if isinstance(value or {}, Mapping):  # anything else: the validators say what is wrong
        texts = {
            code: text.strip() if isinstance(text, str) else text
            for code, text in (value or {}).items()
        }
        texts = {code: text for code, text in texts.items() if text}
    try:
        for validator in model._meta.get_field(field).validators:
            validator(texts)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field=field) from exc
    return texts


# --- staff groups and competency profiles ---------------------------------------------------
@transaction.atomic
def workforce_profile_set_group(
    *, actor, staff: StaffProfile, staff_group: str
) -> WorkforceProfile:
    if staff_group not in StaffGroup.values:
        raise ValidationFailed(_("Choose a staff group."))
    require_manages(actor, staff)
    wp, _created = WorkforceProfile.objects.update_or_create(
        staff=staff, defaults={"staff_group": staff_group}
    )
    audit_record(
        actor=actor,
        action="workforce.staff_group_set",
        target=wp,
        agency=staff.agency,
        data={"staff_group": staff_group},
    )
    return wp


@transaction.atomic
def competency_profile_create(
    *,
    actor,
    agency,
    staff_group: str,
    title: str,
    introduction: str = "",
    competencies: Iterable[Mapping],
    titles: Mapping | None = None,
    introductions: Mapping | None = None,
) -> CompetencyProfile:
    """A new draft version. `competencies`: [{"code", "name", "description", "behaviours"}],
    each behaviour a text or {"text", "texts"}; `names` and `descriptions` of a competency, and
    `titles`/`introductions`/`texts`, give those words in other languages by language code."""
    if actor is not None and (
        not can(actor, Area.WORKFORCE, Access.WRITE, _agency_target(agency.id))
        or profile_of(actor).role not in ("agency_admin", "system_admin")
    ):
        raise NotAllowed(_("Only an agency admin can write competency profiles."))
    if staff_group not in StaffGroup.values:
        raise ValidationFailed(_("Choose a staff group."))
    competencies = list(competencies)
    if not title.strip():
        raise ValidationFailed(_("Enter a title."), field="title")
    if any(not c.get("behaviours") for c in competencies):
        raise ValidationFailed(_("Each competency needs at least one observable behaviour."))
    codes = [c["code"] for c in competencies]
    if len(set(codes)) != len(codes):
        raise ValidationFailed(_("Each competency needs its own code."))
    last = CompetencyProfile.objects.filter(agency=agency, staff_group=staff_group).aggregate(
        v=Max("version")
    )["v"]
    profile = CompetencyProfile.objects.create(
        agency=agency,
        staff_group=staff_group,
        version=(last or 0) + 1,
        title=title.strip(),
        titles=_local_texts(CompetencyProfile, "titles", titles),
        introduction=introduction,
        introductions=_local_texts(CompetencyProfile, "introductions", introductions),
    )
    for i, spec in enumerate(competencies):
        competency = Competency.objects.create(
            profile=profile,
            code=spec["code"],
            name=spec["name"],
            names=_local_texts(Competency, "names", spec.get("names")),
            description=spec.get("description", ""),
            descriptions=_local_texts(Competency, "descriptions", spec.get("descriptions")),
            position=i,
        )
        behaviours = [b if isinstance(b, Mapping) else {"text": b} for b in spec["behaviours"]]
        Behaviour.objects.bulk_create(
            Behaviour(
                competency=competency,
                text=b["text"],
                texts=_local_texts(Behaviour, "texts", b.get("texts")),
                position=j,
            )
            for j, b in enumerate(behaviours)
        )
    audit_record(
        actor=actor,
        action="workforce.profile_create",
        target=profile,
        agency=agency,
        data={"version": profile.version, "staff_group": staff_group},
    )
    return profile


@transaction.atomic
def competency_profile_new_version(*, actor, profile: CompetencyProfile) -> CompetencyProfile:
    """Copy a version into a new draft, to be edited and promulgated."""
    return competency_profile_create(
        actor=actor,
        agency=profile.agency,
        staff_group=profile.staff_group,
        title=profile.title,
        titles=profile.titles,
        introduction=profile.introduction,
        introductions=profile.introductions,
        competencies=[
            {
                "code": c.code,
                "name": c.name,
                "names": c.names,
                "description": c.description,
                "descriptions": c.descriptions,
                "behaviours": [{"text": b.text, "texts": b.texts} for b in c.behaviours.all()],
            }
            for c in profile.competencies.prefetch_related("behaviours")
        ],
    )


@transaction.atomic
def competency_profile_promulgate(*, actor, profile: CompetencyProfile) -> CompetencyProfile:
    """Publish a draft to its staff group; the version in force before is retired.
    Everyone in the group is told and asked to acknowledge it."""
    profile = CompetencyProfile.objects.select_for_update().get(pk=profile.pk)
    if actor is not None and (
        not can(actor, Area.WORKFORCE, Access.WRITE, _agency_target(profile.agency_id))
        or profile_of(actor).role not in ("agency_admin", "system_admin")
    ):
        raise NotAllowed(_("Only an agency admin can promulgate competency profiles."))
    if profile.status != ProfileStatus.DRAFT:
        raise Conflict(
            _("Only a draft can be promulgated; this version is %(status)s.")
            % {"status": profile.get_status_display()}
        )
    competencies = list(profile.competencies.annotate(n=Count("behaviours")))
    if not competencies or any(c.n == 0 for c in competencies):
        raise ValidationFailed(
            _("Before promulgating, give the profile competencies, each with a behaviour.")
        )
    CompetencyProfile.objects.filter(
        agency_id=profile.agency_id,
        staff_group=profile.staff_group,
        status=ProfileStatus.PROMULGATED,
    ).update(status=ProfileStatus.RETIRED)
    profile.status = ProfileStatus.PROMULGATED
    profile.promulgated_at = now()
    profile.save(update_fields=["status", "promulgated_at", "updated_at"])
    audit_record(actor=actor, action="workforce.profile_promulgate", target=profile)
    recipients = StaffProfile.objects.filter(
        agency_id=profile.agency_id, user__is_active=True
    ).select_related("user", "workforce_profile")
    for staff in recipients:
        if staff_group_of(staff) != profile.staff_group or not staff.user.email:
            continue
        notify_enqueue(
            channel="email",
            to=staff.user.email,
            subject=_("Your competency profile: %(title)s") % {"title": profile.display_title},
            body=_(
                "A new version (%(version)s) of the competency profile for your staff group is "
                "in force. Please read it and acknowledge it on the Workforce page."
            )
            % {"version": profile.version},
            dedupe_key=f"workforce.profile.{profile.pk}.{staff.pk}",
            agency=profile.agency,
            related=profile,
        )
    return profile


@transaction.atomic
def competency_profile_acknowledge(*, actor, profile: CompetencyProfile) -> ProfileAcknowledgement:
    staff = profile_of(actor)
    require(
        actor, Area.WORKFORCE, Access.WRITE, Target(agency_id=profile.agency_id, staff_id=staff.id)
    )
    if profile.status != ProfileStatus.PROMULGATED or staff_group_of(staff) != profile.staff_group:
        raise Conflict(_("This is not the competency profile in force for you."))
    ack, created = ProfileAcknowledgement.objects.get_or_create(
        profile=profile, staff=staff, defaults={"acknowledged_at": now()}
    )
    if created:
        audit_record(actor=actor, action="workforce.profile_acknowledge", target=profile)
    return ack


def _require_draft_editor(actor, profile: CompetencyProfile) -> None:
    if actor is not None and (
        not can(actor, Area.WORKFORCE, Access.WRITE, _agency_target(profile.agency_id))
        or profile_of(actor).role not in ("agency_admin", "system_admin")
    ):
        raise NotAllowed(_("Only an agency admin can edit competency profiles."))
    # Read the status afresh (and lock it): a caller's copy may predate a promulgation.
    status = CompetencyProfile.objects.select_for_update().values_list("status", flat=True)
    if status.get(pk=profile.pk) != ProfileStatus.DRAFT:
        raise Conflict(_("Only a draft can be edited; start a new version to change this one."))


@transaction.atomic
def competency_add(
    *,
    actor,
    profile: CompetencyProfile,
    code: str,
    name: str,
    description: str = "",
    names: Mapping | None = None,
    descriptions: Mapping | None = None,
) -> Competency:
    _require_draft_editor(actor, profile)
    if not name.strip():
        raise ValidationFailed(_("Enter the competency's name."), field="name")
    if not code or profile.competencies.filter(code=code).exists():
        raise ValidationFailed(_("Use a code this profile does not have yet."), field="code")
    competency = Competency.objects.create(
        profile=profile,
        code=code,
        name=name.strip(),
        names=_local_texts(Competency, "names", names),
        description=description.strip(),
        descriptions=_local_texts(Competency, "descriptions", descriptions),
        position=profile.competencies.count(),
    )
    audit_record(
        actor=actor, action="workforce.competency_add", target=competency, agency=profile.agency
    )
    return competency


@transaction.atomic
def behaviour_add(
    *, actor, competency: Competency, text: str, texts: Mapping | None = None
) -> Behaviour:
    _require_draft_editor(actor, competency.profile)
    if not text.strip():
        raise ValidationFailed(_("Describe the behaviour someone can observe."), field="text")
    behaviour = Behaviour.objects.create(
        competency=competency,
        text=text.strip()[:300],
        texts=_local_texts(Behaviour, "texts", texts),
        position=competency.behaviours.count(),
    )
    audit_record(
        actor=actor,
        action="workforce.behaviour_add",
        target=behaviour,
        agency=competency.profile.agency,
    )
    return behaviour


@transaction.atomic
def behaviour_remove(*, actor, behaviour: Behaviour) -> None:
    _require_draft_editor(actor, behaviour.competency.profile)
    audit_record(
        actor=actor,
        action="workforce.behaviour_remove",
        target=behaviour,
        agency=behaviour.competency.profile.agency,
        data={"text": behaviour.text},
    )
    behaviour.delete()


# --- assessments ---------------------------------------------------------------------------
def profile_in_force_for(staff: StaffProfile) -> CompetencyProfile | None:
    return (
        CompetencyProfile.objects.filter(
            agency_id=staff.agency_id,
            staff_group=staff_group_of(staff),
            status=ProfileStatus.PROMULGATED,
        )
        .prefetch_related("competencies__behaviours")
        .first()
    )


@transaction.atomic
def assessment_submit(
    *,
    actor,
    subject: StaffProfile,
    ratings: Mapping[int, int],
    comment: str = "",
) -> Assessment:
    """Rate every behaviour of the subject's profile in force. The subject rates themself
    (self-assessment); their line manager rates them (supervisor assessment). One of each
    per person per quarter."""
    assessor = profile_of(actor)
    if assessor.pk == subject.pk:
        kind = AssessmentKind.SELF
        require(
            actor,
            Area.WORKFORCE,
            Access.WRITE,
            Target(agency_id=subject.agency_id, staff_id=subject.id),
        )
    else:
        kind = AssessmentKind.SUPERVISOR
        require_manages(actor, subject)
    profile = profile_in_force_for(subject)
    if profile is None:
        raise Conflict(
            _("No competency profile is in force for %(name)s's staff group yet.")
            % {"name": subject.display_name}
        )
    behaviours = {b.id for c in profile.competencies.all() for b in c.behaviours.all()}
    missing = behaviours - set(ratings)
    if missing:
        raise ValidationFailed(
            _("Rate every behaviour; %(n)s are not rated.") % {"n": len(missing)},
            missing=sorted(missing),
        )
    extra = set(ratings) - behaviours
    if extra:
        raise ValidationFailed(_("Some ratings are for behaviours not in this profile."))
    if any(r not in Rating.values for r in ratings.values()):
        raise ValidationFailed(_("Each rating must be from 1 to 4."))
    period = period_of(now())
    if Assessment.objects.filter(subject=subject, kind=kind, period=period).exists():
        raise Conflict(
            _("%(kind)s for %(name)s in %(period)s is already submitted.")
            % {"kind": kind.label, "name": subject.display_name, "period": period}
        )
    assessment = Assessment.objects.create(
        agency_id=subject.agency_id,
        subject=subject,
        assessor=assessor,
        kind=kind,
        profile=profile,
        period=period,
        submitted_at=now(),
        comment=comment,
    )
    AssessmentRating.objects.bulk_create(
        AssessmentRating(assessment=assessment, behaviour_id=b, rating=r)
        for b, r in ratings.items()
    )
    audit_record(
        actor=actor,
        action=f"workforce.assessment_{kind}",
        target=assessment,
        agency=subject.agency,
        data={"subject": subject.pk, "period": period},
    )
    if kind == AssessmentKind.SUPERVISOR and subject.user.email:
        notify_enqueue(
            channel="email",
            to=subject.user.email,
            subject=_("Your supervisor assessment for %(period)s") % {"period": period},
            body=_(
                "%(name)s has assessed you for %(period)s. See your ratings, the gap with your "
                "own assessment and any training suggested on the Workforce page."
            )
            % {"name": assessor.display_name, "period": period},
            dedupe_key=f"workforce.assessment.{assessment.pk}",
            agency=subject.agency,
            related=assessment,
        )
    return assessment


# --- training ------------------------------------------------------------------------------
@transaction.atomic
def training_programme_create(
    *,
    actor,
    agency,
    code: str,
    title: str,
    description: str = "",
    competency_codes: list[str] = (),
    required_for: list[str] = (),
    titles: Mapping | None = None,
    descriptions: Mapping | None = None,
) -> TrainingProgramme:
    if actor is not None:
        require(actor, Area.TRAINING, Access.WRITE, _agency_target(agency.id))
    if not title.strip() or not code.strip():
        raise ValidationFailed(_("Enter a code and a title."))
    if TrainingProgramme.objects.filter(agency=agency, code=code).exists():
        raise Conflict(_("A training programme with code %(code)s exists.") % {"code": code})
    training = TrainingProgramme.objects.create(
        agency=agency,
        code=code,
        title=title.strip(),
        titles=_local_texts(TrainingProgramme, "titles", titles),
        description=description,
        descriptions=_local_texts(TrainingProgramme, "descriptions", descriptions),
        competency_codes=list(competency_codes),
        required_for=[g for g in required_for if g in StaffGroup.values],
    )
    audit_record(actor=actor, action="training.programme_create", target=training, agency=agency)
    return training


@transaction.atomic
def training_session_schedule(
    *,
    actor,
    training: TrainingProgramme,
    site: Site,
    trainer: StaffProfile,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
) -> TrainingSession:
    if actor is not None:
        require(actor, Area.TRAINING, Access.WRITE, _agency_target(training.agency_id))
    # Pilot programmes span agencies: a trainer may run sessions at another agency's
    # site only when it is a pilot site of a programme their agency runs.
    if (
        actor is not None
        and site.agency_id != training.agency_id
        and not PilotSite.objects.filter(
            site=site, programme__agency_id=training.agency_id
        ).exists()
    ):
        raise ValidationFailed(_("Choose a site of your agency or a pilot site."))
    if ends_at <= starts_at:
        raise ValidationFailed(_("The session must end after it starts."), field="ends_at")
    if starts_at < now():
        raise ValidationFailed(_("A session cannot start in the past."), field="starts_at")
    require_site_open(site=site, starts_at=starts_at, ends_at=ends_at)
    if capacity < 1 or capacity > 500:
        raise ValidationFailed(_("Capacity must be from 1 to 500."), field="capacity")
    session = TrainingSession.objects.create(
        training=training,
        agency_id=training.agency_id,
        site=site,
        trainer=trainer,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
    )
    audit_record(
        actor=actor,
        action="training.session_schedule",
        target=session,
        agency=training.agency,
        data={"site": site.code, "starts_at": starts_at, "capacity": capacity},
    )
    return session


@transaction.atomic
def training_session_cancel(*, actor, session: TrainingSession, reason: str) -> TrainingSession:
    """Cancel a session that has not started; everyone enrolled is told why."""
    require(actor, Area.TRAINING, Access.WRITE, _agency_target(session.agency_id))
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_at is not None:
        raise Conflict(_("This session is already cancelled."))
    if session.starts_at <= now():
        raise Conflict(_("A session that has started cannot be cancelled."))
    if not reason.strip():
        raise ValidationFailed(_("Say why; the people enrolled will read it."), field="reason")
    session.cancelled_at = now()
    session.save(update_fields=["cancelled_at", "updated_at"])
    enrolled = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related(
        "staff__user"
    )
    for enrolment in enrolled:
        if enrolment.staff.user.email:
            notify_enqueue(
                channel="email",
                to=enrolment.staff.user.email,
                subject=_("Training cancelled: %(title)s")
                % {"title": session.training.display_title},
                body=_("The session on %(start)s at %(site)s is cancelled: %(reason)s")
                % {
                    "start": session.starts_at.strftime("%Y-%m-%d %H:%M"),
                    "site": session.site.name,
                    "reason": reason.strip(),
                },
                dedupe_key=f"training.cancel.{session.pk}.{enrolment.staff_id}",
                agency=session.agency,
                related=session,
            )
    enrolled.update(status=EnrolmentStatus.WITHDRAWN)
    audit_record(
        actor=actor,
        action="training.session_cancel",
        target=session,
        agency=session.agency,
        data={"reason": reason.strip()},
    )
    return session


@transaction.atomic
def enrolment_create(*, actor, session: TrainingSession, staff: StaffProfile) -> Enrolment:
    """Enrol someone: themself, a team member (their manager) or anyone (a trainer)."""
    me = profile_of(actor) if actor is not None else None
    if actor is not None:
        may = (
            can(actor, Area.TRAINING, Access.WRITE, _agency_target(session.agency_id))
            or (
                me.pk == staff.pk
                and can(
                    actor,
                    Area.WORKFORCE,
                    Access.WRITE,
                    Target(agency_id=staff.agency_id, staff_id=staff.id),
                )
            )
            or manages(actor, staff)
        )
        if not may:
            raise NotAllowed(_("You can enrol yourself or people in your team."))
    # Lock the session so two people cannot take the last place at once.
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_at is not None:
        raise Conflict(_("This session is cancelled."))
    if session.starts_at <= now():
        raise Conflict(_("This session has started; enrolment is closed."))
    active = session.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
    if active.filter(staff=staff).exists():
        raise Conflict(_("%(name)s is already enrolled.") % {"name": staff.display_name})
    if active.count() >= session.capacity:
        raise Conflict(
            _("This session is full (%(n)s places).") % {"n": session.capacity}, code="session_full"
        )
    enrolment, _created = Enrolment.objects.update_or_create(
        session=session, staff=staff, defaults={"status": EnrolmentStatus.ENROLLED}
    )
    audit_record(
        actor=actor,
        action="training.enrol",
        target=enrolment,
        agency=session.agency,
        data={"session": session.pk, "staff": staff.pk},
    )
    if staff.user.email:
        notify_enqueue(
            channel="email",
            to=staff.user.email,
            subject=_("Training booked: %(title)s") % {"title": session.training.display_title},
            body=_("You are enrolled in %(title)s at %(site)s, starting %(start)s.")
            % {
                "title": session.training.display_title,
                "site": session.site.name,
                "start": session.starts_at.strftime("%Y-%m-%d %H:%M"),
            },
            dedupe_key=f"training.enrol.{enrolment.pk}.{enrolment.updated_at.isoformat()}",
            agency=session.agency,
            related=enrolment,
        )
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, actor, enrolment: Enrolment) -> Enrolment:
    me = profile_of(actor)
    if not (
        me.pk == enrolment.staff_id
        or manages(actor, enrolment.staff)
        or can(actor, Area.TRAINING, Access.WRITE, _agency_target(enrolment.session.agency_id))
    ):
        raise NotAllowed(_("You can withdraw yourself or people in your team."))
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(_("Only an open enrolment can be withdrawn."))
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="training.withdraw", target=enrolment, agency=enrolment.session.agency
    )
    return enrolment


ATTENDANCE_MOVES = {
    EnrolmentStatus.ENROLLED: {
        EnrolmentStatus.ATTENDED,
        EnrolmentStatus.COMPLETED,
        EnrolmentStatus.NO_SHOW,
    },
    EnrolmentStatus.ATTENDED: {EnrolmentStatus.COMPLETED, EnrolmentStatus.NO_SHOW},
    EnrolmentStatus.NO_SHOW: {EnrolmentStatus.ATTENDED, EnrolmentStatus.COMPLETED},
}


@transaction.atomic
def enrolment_record(*, actor, enrolment: Enrolment, status: str) -> Enrolment:
    """The trainer records attendance and completion once the session has started."""
    session = enrolment.session
    require(actor, Area.TRAINING, Access.WRITE, _agency_target(session.agency_id))
    if session.starts_at > now():
        raise Conflict(_("Attendance can be recorded once the session has started."))
    if status not in ATTENDANCE_MOVES.get(enrolment.status, set()):
        raise Conflict(
            _("An enrolment cannot go from %(a)s to %(b)s.")
            % {"a": enrolment.get_status_display(), "b": status}
        )
    enrolment.status = status
    enrolment.completed_at = now() if status == EnrolmentStatus.COMPLETED else None
    enrolment.save(update_fields=["status", "completed_at", "updated_at"])
    audit_record(actor=actor, action=f"training.{status}", target=enrolment, agency=session.agency)
    return enrolment


# --- improvement ideas --------------------------------------------------------------------
@transaction.atomic
def idea_submit(
    *,
    actor,
    title: str,
    problem: str,
    proposal: str,
    expected_benefit: str,
    site: Site | None = None,
    department: Department | None = None,
    service: str = "",
) -> Idea:
    staff = profile_of(actor)
    require(
        actor, Area.WORKFORCE, Access.WRITE, Target(agency_id=staff.agency_id, staff_id=staff.id)
    )
    errors = {
        name: _("Enter the %(field)s.") % {"field": label}
        for name, label, value in [
            ("title", _("title"), title),
            ("problem", _("problem"), problem),
            ("proposal", _("proposal"), proposal),
            ("expected_benefit", _("expected benefit"), expected_benefit),
        ]
        if not (value or "").strip()
    }
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    if site is not None and site.agency_id != staff.agency_id:
        raise ValidationFailed(_("Choose a site of your agency."), field="site")
    if department is not None and department.agency_id != staff.agency_id:
        raise ValidationFailed(_("Choose a department of your agency."), field="department")
    idea = Idea.objects.create(
        agency_id=staff.agency_id,
        site=site,
        department=department,
        submitted_by=staff,
        team_lead_id=staff.supervisor_id,
        title=title.strip()[:200],
        problem=problem.strip(),
        proposal=proposal.strip(),
        expected_benefit=expected_benefit.strip(),
        service=service.strip(),
        submitted_at=now(),
    )
    audit_record(actor=actor, action="idea.submit", target=idea)
    manager = staff.supervisor
    if manager is not None and manager.user.email:
        notify_enqueue(
            channel="email",
            to=manager.user.email,
            subject=_("New improvement idea from %(name)s") % {"name": staff.display_name},
            body=_('%(name)s submitted the idea "%(title)s". Review it on the Workforce page.')
            % {"name": staff.display_name, "title": idea.title},
            dedupe_key=f"idea.submitted.{idea.pk}",
            agency=idea.agency,
            related=idea,
        )
    return idea


def can_decide_idea(user, idea: Idea) -> bool:
    """A line manager of the submitter, or a WORKFORCE writer for the idea's site/department.
    Never the submitter."""
    me = getattr(user, "staff_profile", None)
    if me is None or me.pk == idea.submitted_by_id:
        return False
    if idea.team_lead_id == me.pk or manages(user, idea.submitted_by):
        return True
    target = Target(
        agency_id=idea.agency_id, site_id=idea.site_id, department_id=idea.department_id
    )
    return can(user, Area.WORKFORCE, Access.WRITE, target)


def _idea_transition(*, actor, idea: Idea, to: str, note: str = "", assignee=None) -> Idea:
    """The one place an idea's status changes."""
    idea = Idea.objects.select_for_update().select_related("submitted_by__user").get(pk=idea.pk)
    me = profile_of(actor)
    if me.pk == idea.submitted_by_id and to != IdeaStatus.IMPLEMENTED:
        raise NotAllowed(_("You cannot review, approve or decline your own idea."), code="own_idea")
    is_assignee = to == IdeaStatus.IMPLEMENTED and idea.assignee_id == me.pk
    if not (can_decide_idea(actor, idea) or is_assignee):
        raise NotAllowed(_("Only the submitter's line manager can decide on this idea."))
    IDEA_WORKFLOW.check(idea.status, to)
    before = idea.status
    idea.status = to
    moment = now()
    if to == IdeaStatus.REVIEWED:
        idea.reviewer = me
    if to in (IdeaStatus.APPROVED, IdeaStatus.DECLINED):
        idea.reviewer = idea.reviewer or me
        idea.decided_at = moment
    if to == IdeaStatus.APPROVED:
        idea.assignee = assignee or idea.submitted_by
    if to == IdeaStatus.IMPLEMENTED:
        idea.implemented_at = moment
    if to == IdeaStatus.DECLINED and not note.strip():
        raise ValidationFailed(
            _("Say why the idea is declined; the submitter will read it."), field="note"
        )
    if note.strip():
        idea.decision_note = note.strip()
    idea.save()
    audit_record(
        actor=actor,
        action=f"idea.{to}",
        target=idea,
        data={"from": before, "to": to, "assignee": idea.assignee_id},
    )
    if idea.submitted_by.user.email:
        notify_enqueue(
            channel="email",
            to=idea.submitted_by.user.email,
            subject=_('Your idea "%(title)s" is %(status)s')
            % {"title": idea.title, "status": idea.get_status_display().lower()},
            body=(note.strip() or _("See the idea on the Workforce page.")),
            dedupe_key=f"idea.{idea.pk}.{to}",
            agency=idea.agency,
            related=idea,
        )
    return idea


@transaction.atomic
def idea_review(*, actor, idea: Idea) -> Idea:
    return _idea_transition(actor=actor, idea=idea, to=IdeaStatus.REVIEWED)


@transaction.atomic
def idea_approve(
    *, actor, idea: Idea, assignee: StaffProfile | None = None, note: str = ""
) -> Idea:
    if assignee is not None and assignee.agency_id != idea.agency_id:
        raise ValidationFailed(_("Assign the idea to someone in your agency."), field="assignee")
    return _idea_transition(
        actor=actor, idea=idea, to=IdeaStatus.APPROVED, note=note, assignee=assignee
    )


@transaction.atomic
def idea_decline(*, actor, idea: Idea, note: str) -> Idea:
    return _idea_transition(actor=actor, idea=idea, to=IdeaStatus.DECLINED, note=note)


@transaction.atomic
def idea_implement(*, actor, idea: Idea, note: str = "") -> Idea:
    return _idea_transition(actor=actor, idea=idea, to=IdeaStatus.IMPLEMENTED, note=note)


@transaction.atomic
def award_create(*, actor, agency, name: str, period: str, closes_on: date) -> Award:
    require(actor, Area.WORKFORCE, Access.WRITE, _agency_target(agency.id))
    if profile_of(actor).role not in ("agency_admin", "system_admin"):
        raise NotAllowed(_("Only an agency admin can run an award scheme."))
    if not name.strip() or not period.strip():
        raise ValidationFailed(_("Enter a name and a period."))
    award = Award.objects.create(
        agency=agency, name=name.strip(), period=period.strip(), closes_on=closes_on
    )
    audit_record(actor=actor, action="award.create", target=award, agency=agency)
    return award


@transaction.atomic
def nomination_create(*, actor, award: Award, idea: Idea, reason: str) -> Nomination:
    me = profile_of(actor)
    idea = Idea.objects.get(pk=idea.pk)
    if me.agency_id != award.agency_id or idea.agency_id != award.agency_id:
        raise NotAllowed(_("You can nominate ideas of your own agency."))
    if me.pk == idea.submitted_by_id:
        raise NotAllowed(_("You cannot nominate your own idea."), code="own_idea")
    if idea.status != IdeaStatus.IMPLEMENTED:
        raise Conflict(_("Only implemented ideas can be nominated."))
    if award.closes_on < now().date():
        raise Conflict(_("Nominations for this award have closed."))
    if not reason.strip():
        raise ValidationFailed(_("Say why this idea deserves the award."), field="reason")
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                award=award, idea=idea, nominated_by=me, reason=reason.strip()
            )
    except IntegrityError:
        raise Conflict(_("This idea is already nominated for this award.")) from None
    audit_record(
        actor=actor,
        action="award.nominate",
        target=nomination,
        agency=award.agency,
        data={"idea": idea.pk},
    )
    return nomination


@transaction.atomic
def award_choose_winner(*, actor, nomination: Nomination) -> Nomination:
    award = nomination.award
    require(actor, Area.WORKFORCE, Access.WRITE, _agency_target(award.agency_id))
    if profile_of(actor).role not in ("agency_admin", "system_admin"):
        raise NotAllowed(_("Only an agency admin can choose award winners."))
    nomination.is_winner = True
    nomination.save(update_fields=["is_winner", "updated_at"])
    audit_record(
        actor=actor,
        action="award.winner",
        target=nomination,
        agency=award.agency,
        data={"idea": nomination.idea_id},
    )
    return nomination


# --- pilot programmes ------------------------------------------------------------------------
def _require_programme_admin(actor, agency_id: int) -> None:
    if actor is None:
        return
    require(actor, Area.WORKFORCE, Access.WRITE, _agency_target(agency_id))
    if profile_of(actor).role not in ("agency_admin", "system_admin"):
        raise NotAllowed(_("Only an agency admin can set up a pilot programme."))


@transaction.atomic
def pilot_programme_create(
    *,
    actor,
    agency,
    name: str,
    starts_on: date,
    ends_on: date,
    aims: str = "",
    training_centre: str = "",
    sites: Iterable[Site] = (),
    sponsor: StaffProfile | None = None,
) -> PilotProgramme:
    _require_programme_admin(actor, agency.id)
    if not name.strip():
        raise ValidationFailed(_("Enter a name."), field="name")
    if ends_on < starts_on:
        raise ValidationFailed(
            _("The programme must end on or after the day it starts."), field="ends_on"
        )
    programme = PilotProgramme.objects.create(
        agency=agency,
        name=name.strip(),
        aims=aims,
        starts_on=starts_on,
        ends_on=ends_on,
        training_centre=training_centre,
    )
    for site in sites:
        PilotSite.objects.create(programme=programme, site=site)
    if sponsor is not None:
        ProgrammeRole.objects.create(
            programme=programme, staff=sponsor, role=ProgrammeRoleKind.SPONSOR
        )
    audit_record(
        actor=actor,
        action="programme.create",
        target=programme,
        agency=agency,
        data={"sites": [s.pk for s in sites]},
    )
    return programme


@transaction.atomic
def pilot_site_add(
    *, actor, programme: PilotProgramme, site: Site, owner: StaffProfile | None = None
) -> PilotSite:
    _require_programme_admin(actor, programme.agency_id)
    if owner is not None and owner.agency_id != site.agency_id:
        raise ValidationFailed(_("The owner must work for the site's agency."), field="owner")
    pilot, created = PilotSite.objects.get_or_create(
        programme=programme, site=site, defaults={"owner": owner}
    )
    if not created and owner is not None:
        pilot.owner = owner
        pilot.save(update_fields=["owner"])
    if owner is not None:
        ProgrammeRole.objects.get_or_create(
            programme=programme, staff=owner, role=ProgrammeRoleKind.OWNER
        )
    audit_record(
        actor=actor,
        action="programme.site_add",
        target=programme,
        agency=programme.agency,
        data={"site": site.pk, "owner": getattr(owner, "pk", None)},
    )
    return pilot


@transaction.atomic
def programme_role_assign(
    *, actor, programme: PilotProgramme, staff: StaffProfile, role: str
) -> ProgrammeRole:
    _require_programme_admin(actor, programme.agency_id)
    if role not in ProgrammeRoleKind.values:
        raise ValidationFailed(_("Choose a role."), field="role")
    assigned, _created = ProgrammeRole.objects.get_or_create(
        programme=programme, staff=staff, role=role
    )
    audit_record(
        actor=actor,
        action="programme.role_assign",
        target=programme,
        agency=programme.agency,
        data={"staff": staff.pk, "role": role},
    )
    return assigned


def may_plan_programme(actor, programme: PilotProgramme) -> bool:
    if actor is None:
        return True
    me = getattr(actor, "staff_profile", None)
    if me is None:
        return False
    if can(actor, Area.WORKFORCE, Access.WRITE, _agency_target(programme.agency_id)) and (
        me.role in ("agency_admin", "system_admin")
    ):
        return True
    return programme.roles.filter(staff=me, role=ProgrammeRoleKind.SPONSOR).exists()


@transaction.atomic
def milestone_create(
    *,
    actor,
    programme: PilotProgramme,
    title: str,
    owner: StaffProfile,
    starts_on: date,
    due_on: date,
) -> Milestone:
    if not may_plan_programme(actor, programme):
        raise NotAllowed(_("Only the sponsor or an agency admin can plan milestones."))
    if not title.strip():
        raise ValidationFailed(_("Enter a title."), field="title")
    if due_on < starts_on:
        raise ValidationFailed(
            _("A milestone must be due on or after the day it starts."), field="due_on"
        )
    milestone = Milestone.objects.create(
        programme=programme, title=title.strip(), owner=owner, starts_on=starts_on, due_on=due_on
    )
    audit_record(
        actor=actor,
        action="programme.milestone_create",
        target=milestone,
        agency=programme.agency,
        data={"due_on": due_on},
    )
    return milestone


@transaction.atomic
def milestone_complete(
    *, actor, milestone: Milestone, completed_on: date | None = None
) -> Milestone:
    me = profile_of(actor) if actor is not None else None
    if (
        actor is not None
        and me.pk != milestone.owner_id
        and not may_plan_programme(actor, milestone.programme)
    ):
        raise NotAllowed(_("Only the milestone's owner or the sponsor can complete it."))
    if milestone.completed_on is not None:
        raise Conflict(_("This milestone is already complete."))
    completed_on = completed_on or now().date()
    if completed_on < milestone.starts_on:
        raise ValidationFailed(_("A milestone cannot be completed before it starts."))
    if completed_on > now().date():
        raise ValidationFailed(_("A completion date cannot be in the future."))
    milestone.completed_on = completed_on
    milestone.save(update_fields=["completed_on", "updated_at"])
    audit_record(
        actor=actor,
        action="programme.milestone_complete",
        target=milestone,
        agency=milestone.programme.agency,
        data={"completed_on": completed_on},
    )
    return milestone


def get_or_404(queryset, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj
