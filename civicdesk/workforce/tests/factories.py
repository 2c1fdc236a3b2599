"""Workforce test data, created through the real services where it matters."""

from __future__ import annotations

from datetime import timedelta

from civicdesk.core.clock import now
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.models import StaffGroup
from civicdesk.workforce.opening import session_slot

HOURS_3 = timedelta(hours=3)

BEHAVIOURS = {
    "welcome": ["Greets each person promptly", "Listens and checks understanding"],
    "difficult": ["Stays calm when a person is upset"],
}


def promulgated_profile(agency, *, group=StaffGroup.FRONTLINE, title="Frontline competencies"):
    profile = services.competency_profile_create(
        actor=None,
        agency=agency,
        staff_group=group,
        title=title,
        competencies=[
            {"code": code, "name": code.title(), "behaviours": texts}
            for code, texts in BEHAVIOURS.items()
        ],
    )
    return services.competency_profile_promulgate(actor=None, profile=profile)


def team(agency, *, site=None):
    """A team lead and two frontline officers who report to her, at one site."""
    site = site or SiteFactory(agency=agency)
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD, sites=[site])
    officer = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[site], supervisor=lead)
    colleague = StaffFactory(agency=agency, role=Role.FRONTLINE, sites=[site], supervisor=lead)
    return site, lead, officer, colleague


def ratings_for(profile, value: int = 3) -> dict[int, int]:
    return {b.id: value for c in profile.competencies.all() for b in c.behaviours.all()}


def training_with_session(agency, *, site, trainer=None, capacity=2, days_ahead=3, **training):
    trainer = trainer or StaffFactory(agency=agency, role=Role.TRAINER)
    course = services.training_programme_create(
        actor=trainer.user,
        agency=agency,
        code=training.pop("code", "conflict"),
        title=training.pop("title", "Conflict resolution"),
        competency_codes=training.pop("competency_codes", ["difficult"]),
        required_for=training.pop("required_for", []),
    )
    # Sessions are held while the site is open: the first open three hours from that day on.
    start = session_slot(site=site, after=now() + timedelta(days=days_ahead), duration=HOURS_3)
    session = services.training_session_schedule(
        actor=trainer.user,
        training=course,
        site=site,
        trainer=trainer,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
    )
    return trainer, course, session


def idea_by(officer, *, site=None, title="SMS when documents are ready"):
    return services.idea_submit(
        actor=officer.user,
        title=title,
        problem="People phone twice.",
        proposal="Send an SMS.",
        expected_benefit="Fewer calls.",
        site=site or officer.sites.first(),
    )
