"""Writes: each one checks who may do it, refuses bad input with a clear error and changes
nothing when it refuses."""

from datetime import date, timedelta

import pytest
import time_machine

from civicdesk.audit.models import AuditEntry
from civicdesk.core.errors import Conflict, IllegalTransition, NotAllowed, ValidationFailed
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, SiteFactory, StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.models import (
    Assessment,
    AssessmentKind,
    CompetencyProfile,
    Enrolment,
    EnrolmentStatus,
    IdeaStatus,
    Milestone,
    ProfileStatus,
    StaffGroup,
)
from civicdesk.workforce.tests.factories import (
    idea_by,
    promulgated_profile,
    ratings_for,
    team,
    training_with_session,
)

pytestmark = pytest.mark.django_db


# --- profiles -------------------------------------------------------------------------------
def test_promulgating_a_new_version_retires_the_old_and_tells_the_group(agency):
    _site, _lead, officer, _colleague = team(agency)
    first = promulgated_profile(agency)
    second = services.competency_profile_new_version(actor=None, profile=first)
    assert (second.version, second.status) == (2, ProfileStatus.DRAFT)
    assert second.competencies.count() == first.competencies.count()

    services.competency_profile_promulgate(actor=None, profile=second)

    first.refresh_from_db()
    assert first.status == ProfileStatus.RETIRED
    assert services.profile_in_force_for(officer) == second
    told = OutboxMessage.objects.filter(to=officer.user.email, subject__contains="competency")
    assert told.count() == 2  # once per version


def test_only_an_agency_admin_writes_profiles(agency):
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD)
    with pytest.raises(NotAllowed):
        services.competency_profile_create(
            actor=lead.user,
            agency=agency,
            staff_group=StaffGroup.FRONTLINE,
            title="Mine",
            competencies=[{"code": "a", "name": "A", "behaviours": ["x"]}],
        )
    assert not CompetencyProfile.objects.exists()


def test_a_profile_needs_behaviours(agency):
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    with pytest.raises(ValidationFailed):
        services.competency_profile_create(
            actor=admin.user,
            agency=agency,
            staff_group=StaffGroup.FRONTLINE,
            title="Empty",
            competencies=[{"code": "a", "name": "A", "behaviours": []}],
        )
    assert not CompetencyProfile.objects.exists()


def test_staff_acknowledge_their_own_groups_profile_once(agency):
    _site, lead, officer, _c = team(agency)
    frontline = promulgated_profile(agency)
    leaders = promulgated_profile(agency, group=StaffGroup.LEADER, title="Leaders")
    first = services.competency_profile_acknowledge(actor=officer.user, profile=frontline)
    again = services.competency_profile_acknowledge(actor=officer.user, profile=frontline)
    assert first.pk == again.pk
    with pytest.raises(Conflict):
        services.competency_profile_acknowledge(actor=officer.user, profile=leaders)
    services.competency_profile_acknowledge(actor=lead.user, profile=leaders)
    assert frontline.acknowledgements.count() == 1 and leaders.acknowledgements.count() == 1


def test_a_staff_group_set_by_the_manager_changes_the_profile_in_force(agency):
    _site, lead, officer, _c = team(agency)
    promulgated_profile(agency)
    general = promulgated_profile(agency, group=StaffGroup.GENERAL, title="General")
    services.workforce_profile_set_group(actor=lead.user, staff=officer, staff_group="general")
    officer.refresh_from_db()
    assert services.profile_in_force_for(officer) == general


# --- assessments ----------------------------------------------------------------------------
@time_machine.travel("2026-11-10 10:00 +08:00", tick=False)
def test_self_and_supervisor_assessment_in_the_same_quarter(agency):
    _site, lead, officer, _c = team(agency)
    profile = promulgated_profile(agency)
    mine = services.assessment_submit(
        actor=officer.user, subject=officer, ratings=ratings_for(profile, 4)
    )
    theirs = services.assessment_submit(
        actor=lead.user, subject=officer, ratings=ratings_for(profile, 2)
    )
    assert (mine.kind, mine.period) == (AssessmentKind.SELF, "2026-Q4")
    assert (theirs.kind, theirs.assessor) == (AssessmentKind.SUPERVISOR, lead)
    assert AuditEntry.objects.filter(action="workforce.assessment_supervisor").count() == 1
    assert OutboxMessage.objects.filter(to=officer.user.email, subject__contains="2026-Q4").exists()
    with pytest.raises(Conflict):
        services.assessment_submit(actor=lead.user, subject=officer, ratings=ratings_for(profile))
    with time_machine.travel("2027-01-05 10:00 +08:00", tick=False):
        services.assessment_submit(actor=lead.user, subject=officer, ratings=ratings_for(profile))
    assert Assessment.objects.filter(subject=officer, kind="supervisor").count() == 2


def test_assessing_someone_outside_your_team_is_refused(agency):
    _site, lead, _officer, _c = team(agency)
    _other_site, _other_lead, stranger, _x = team(agency)
    other_agency_officer = team(AgencyFactory(code="TRN"))[2]
    profile = promulgated_profile(agency)
    for subject in (stranger, other_agency_officer):
        with pytest.raises(NotAllowed) as refused:
            services.assessment_submit(
                actor=lead.user, subject=subject, ratings=ratings_for(profile)
            )
        assert "not in your team" in refused.value.message
    peer = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[_site])
    with pytest.raises(NotAllowed):
        services.assessment_submit(actor=peer.user, subject=_officer, ratings=ratings_for(profile))
    assert not Assessment.objects.exists()


def test_every_behaviour_must_be_rated_on_the_scale(agency):
    _site, _lead, officer, _c = team(agency)
    profile = promulgated_profile(agency)
    ratings = ratings_for(profile)
    missing = dict(list(ratings.items())[1:])
    with pytest.raises(ValidationFailed):
        services.assessment_submit(actor=officer.user, subject=officer, ratings=missing)
    off_scale = {**ratings, next(iter(ratings)): 7}
    with pytest.raises(ValidationFailed):
        services.assessment_submit(actor=officer.user, subject=officer, ratings=off_scale)
    assert not Assessment.objects.exists()


def test_no_profile_in_force_is_a_clear_conflict(agency):
    _site, _lead, officer, _c = team(agency)
    with pytest.raises(Conflict):
        services.assessment_submit(actor=officer.user, subject=officer, ratings={})


# --- training --------------------------------------------------------------------------------
def test_enrolling_past_capacity_is_refused_and_changes_nothing(agency):
    site, lead, officer, colleague = team(agency)
    third = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[site], supervisor=lead)
    _trainer, _course, session = training_with_session(agency, site=site, capacity=2)
    services.enrolment_create(actor=officer.user, session=session, staff=officer)
    services.enrolment_create(actor=lead.user, session=session, staff=colleague)
    with pytest.raises(Conflict) as full:
        services.enrolment_create(actor=lead.user, session=session, staff=third)
    assert full.value.code == "session_full"
    assert session.enrolments.count() == 2
    # A withdrawal frees the place.
    services.enrolment_withdraw(actor=officer.user, enrolment=session.enrolments.get(staff=officer))
    services.enrolment_create(actor=lead.user, session=session, staff=third)
    assert session.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count() == 2


def test_enrolment_is_for_yourself_or_your_team(agency):
    site, _lead, officer, colleague = team(agency)
    _trainer, _course, session = training_with_session(agency, site=site)
    with pytest.raises(NotAllowed):
        services.enrolment_create(actor=officer.user, session=session, staff=colleague)
    with pytest.raises(Conflict):
        services.enrolment_create(actor=officer.user, session=session, staff=officer)
        services.enrolment_create(actor=officer.user, session=session, staff=officer)
    assert Enrolment.objects.count() == 1


def test_trainer_records_attendance_and_completion_after_the_start(agency):
    site, _lead, officer, _c = team(agency)
    trainer, _course, session = training_with_session(agency, site=site, days_ahead=1)
    enrolment = services.enrolment_create(actor=officer.user, session=session, staff=officer)
    with pytest.raises(Conflict):
        services.enrolment_record(actor=trainer.user, enrolment=enrolment, status="completed")
    with time_machine.travel(session.starts_at + timedelta(hours=1), tick=False):
        with pytest.raises(NotAllowed):
            services.enrolment_record(actor=officer.user, enrolment=enrolment, status="completed")
        services.enrolment_record(actor=trainer.user, enrolment=enrolment, status="attended")
        services.enrolment_record(actor=trainer.user, enrolment=enrolment, status="completed")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED and enrolment.completed_at is not None


def test_sessions_end_after_they_start_and_not_in_the_past(agency):
    site = SiteFactory(agency=agency)
    trainer, course, session = training_with_session(agency, site=site)
    with pytest.raises(ValidationFailed):
        services.training_session_schedule(
            actor=trainer.user,
            training=course,
            site=site,
            trainer=trainer,
            starts_at=session.starts_at,
            ends_at=session.starts_at - timedelta(hours=1),
            capacity=5,
        )
    with pytest.raises(ValidationFailed):
        services.training_session_schedule(
            actor=trainer.user,
            training=course,
            site=SiteFactory(agency=AgencyFactory(code="TRN")),
            trainer=trainer,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            capacity=5,
        )
    frontline = StaffFactory(agency=agency, role=Role.FRONTLINE)
    with pytest.raises(NotAllowed):
        services.training_session_schedule(
            actor=frontline.user,
            training=course,
            site=site,
            trainer=trainer,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            capacity=5,
        )
    assert course.sessions.count() == 1


# --- ideas --------------------------------------------------------------------------------
def test_idea_from_submitted_to_implemented_tells_the_submitter(agency):
    _site, lead, officer, colleague = team(agency)
    idea = idea_by(officer)
    assert idea.team_lead == lead
    assert OutboxMessage.objects.filter(to=lead.user.email).count() == 1
    services.idea_review(actor=lead.user, idea=idea)
    services.idea_approve(actor=lead.user, idea=idea, assignee=colleague)
    idea.refresh_from_db()
    assert (idea.status, idea.assignee) == (IdeaStatus.APPROVED, colleague)
    services.idea_implement(actor=colleague.user, idea=idea)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.IMPLEMENTED and idea.implemented_at is not None
    assert OutboxMessage.objects.filter(to=officer.user.email).count() == 3
    actions = list(
        AuditEntry.objects.filter(action__startswith="idea.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["idea.submit", "idea.reviewed", "idea.approved", "idea.implemented"]


def test_approving_your_own_idea_is_refused(agency):
    _site, lead, officer, _c = team(agency)
    idea = idea_by(officer)
    for action in (services.idea_review, services.idea_approve):
        with pytest.raises(NotAllowed) as refused:
            action(actor=officer.user, idea=idea)
        assert refused.value.code == "own_idea"
    own = idea_by(lead, site=officer.sites.first())
    with pytest.raises(NotAllowed):
        services.idea_approve(actor=lead.user, idea=own)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED


def test_ideas_move_only_along_the_workflow(agency):
    _site, lead, officer, colleague = team(agency)
    idea = idea_by(officer)
    with pytest.raises(IllegalTransition):
        services.idea_implement(actor=lead.user, idea=idea)
    with pytest.raises(NotAllowed):
        services.idea_approve(actor=colleague.user, idea=idea)
    with pytest.raises(ValidationFailed):
        services.idea_decline(actor=lead.user, idea=idea, note="  ")
    services.idea_decline(actor=lead.user, idea=idea, note="Already planned.")
    with pytest.raises(IllegalTransition):
        services.idea_approve(actor=lead.user, idea=idea)
    idea.refresh_from_db()
    assert (idea.status, idea.decision_note) == (IdeaStatus.DECLINED, "Already planned.")


def test_an_idea_needs_its_parts(agency):
    _site, _lead, officer, _c = team(agency)
    with pytest.raises(ValidationFailed) as refused:
        services.idea_submit(
            actor=officer.user, title="", problem="p", proposal="", expected_benefit="b"
        )
    assert set(refused.value.extra["fields"]) == {"title", "proposal"}


def test_awards_nominate_implemented_ideas_and_record_winners(agency):
    _site, lead, officer, colleague = team(agency)
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    award = services.award_create(
        actor=admin.user,
        agency=agency,
        name="Service Star",
        period="2026",
        closes_on=date(2099, 1, 1),
    )
    idea = idea_by(officer)
    with pytest.raises(Conflict):
        services.nomination_create(actor=colleague.user, award=award, idea=idea, reason="Good")
    services.idea_approve(actor=lead.user, idea=idea)
    services.idea_implement(actor=lead.user, idea=idea)
    with pytest.raises(NotAllowed):
        services.nomination_create(actor=officer.user, award=award, idea=idea, reason="Mine")
    nomination = services.nomination_create(
        actor=colleague.user, award=award, idea=idea, reason="Cut calls by half"
    )
    with pytest.raises(Conflict):
        services.nomination_create(actor=lead.user, award=award, idea=idea, reason="Again")
    with pytest.raises(NotAllowed):
        services.award_choose_winner(actor=lead.user, nomination=nomination)
    services.award_choose_winner(actor=admin.user, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.is_winner


# --- programmes ---------------------------------------------------------------------------
def test_milestones_ending_before_they_start_are_refused(agency):
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    programme = services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Pilot",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 3, 1),
        sites=[SiteFactory(agency=agency)],
    )
    with pytest.raises(ValidationFailed) as refused:
        services.milestone_create(
            actor=admin.user,
            programme=programme,
            title="Train",
            owner=admin,
            starts_on=date(2026, 10, 1),
            due_on=date(2026, 9, 30),
        )
    assert refused.value.extra["field"] == "due_on"
    assert not Milestone.objects.exists()
    with pytest.raises(ValidationFailed):
        services.pilot_programme_create(
            actor=admin.user,
            agency=agency,
            name="Backwards",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 8, 1),
        )


def test_only_the_sponsor_or_admin_plans_and_the_owner_completes(agency):
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    sponsor = StaffFactory(agency=agency, role=Role.EXECUTIVE)
    owner = StaffFactory(agency=agency, role=Role.TEAM_LEAD)
    programme = services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Pilot",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 1, 1),
        sponsor=sponsor,
    )
    with pytest.raises(NotAllowed):
        services.milestone_create(
            actor=owner.user,
            programme=programme,
            title="x",
            owner=owner,
            starts_on=date(2026, 2, 1),
            due_on=date(2026, 3, 1),
        )
    milestone = services.milestone_create(
        actor=sponsor.user,
        programme=programme,
        title="Train the pilot sites",
        owner=owner,
        starts_on=date(2026, 2, 1),
        due_on=date(2026, 3, 1),
    )
    with pytest.raises(NotAllowed):
        services.milestone_complete(
            actor=StaffFactory(agency=agency, role=Role.FRONTLINE).user, milestone=milestone
        )
    services.milestone_complete(actor=owner.user, milestone=milestone)
    with pytest.raises(Conflict):
        services.milestone_complete(actor=owner.user, milestone=milestone)


def test_drafts_are_edited_and_promulgated_only_when_complete(agency):
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    draft = services.competency_profile_create(
        actor=admin.user, agency=agency, staff_group="general", title="General", competencies=[]
    )
    with pytest.raises(ValidationFailed):
        services.competency_profile_promulgate(actor=admin.user, profile=draft)
    competency = services.competency_add(
        actor=admin.user, profile=draft, code="internal", name="Serving colleagues"
    )
    with pytest.raises(ValidationFailed):
        services.competency_add(actor=admin.user, profile=draft, code="internal", name="Again")
    with pytest.raises(ValidationFailed):
        services.competency_profile_promulgate(actor=admin.user, profile=draft)
    behaviour = services.behaviour_add(actor=admin.user, competency=competency, text="Replies")
    services.competency_profile_promulgate(actor=admin.user, profile=draft)
    with pytest.raises(Conflict):
        services.behaviour_add(actor=admin.user, competency=competency, text="Late edit")
    with pytest.raises(Conflict):
        services.behaviour_remove(actor=admin.user, behaviour=behaviour)
    assert competency.behaviours.count() == 1


def test_cancelling_a_session_withdraws_and_tells_everyone(agency):
    site, _lead, officer, colleague = team(agency)
    trainer, _course, session = training_with_session(agency, site=site, capacity=5)
    for person in (officer, colleague):
        services.enrolment_create(actor=trainer.user, session=session, staff=person)
    with pytest.raises(ValidationFailed):
        services.training_session_cancel(actor=trainer.user, session=session, reason="")
    with pytest.raises(NotAllowed):
        services.training_session_cancel(actor=officer.user, session=session, reason="x")
    services.training_session_cancel(actor=trainer.user, session=session, reason="Typhoon")
    assert set(session.enrolments.values_list("status", flat=True)) == {"withdrawn"}
    told = OutboxMessage.objects.filter(subject__startswith="Training cancelled")
    assert {m.to for m in told} == {officer.user.email, colleague.user.email}
    with pytest.raises(Conflict):
        services.enrolment_create(actor=officer.user, session=session, staff=officer)
