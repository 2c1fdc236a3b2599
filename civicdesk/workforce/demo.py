"""The workforce part of Harbour City: profiles, a pilot programme with 8 pilot sites, a round
of assessments, training and ideas. Idempotent: once the programme exists nothing changes."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation

from civicdesk.core.clock import now
from civicdesk.organisations.models import Agency, Site, StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.organisations.services import staff_create
from civicdesk.workforce import services
from civicdesk.workforce.catalogue import PROFILES, TRAINING
from civicdesk.workforce.models import (
    Assessment,
    Behaviour,
    Competency,
    CompetencyProfile,
    EnrolmentStatus,
    Idea,
    PilotProgramme,
    ProgrammeRoleKind,
    TrainingProgramme,
    TrainingSession,
)
from civicdesk.workforce.opening import session_slot

PROGRAMME_NAME = "Harbour City Service Culture Pilot"
SESSION_LENGTH = timedelta(hours=3)
PILOT_SITES = {"HSG": ["HCC", "NPE", "LBE"], "TRN": ["LIC1", "LIC2", "FRY"], "ENV": ["ENC", "RCY"]}
IDEAS = [
    (
        "Text people when their document is ready",
        "People phone twice to ask if documents are ready.",
        "Send an SMS when the document is ready to collect.",
        "Fewer calls, shorter counter queues.",
    ),
    (
        "One form for change of address",
        "Citizens fill in three forms to move.",
        "Merge the three forms into one online form.",
        "Less paperwork and fewer errors.",
    ),
    (
        "Queue ticket shows the wait",
        "People leave the hall not knowing how long they wait.",
        "Print the estimated wait on each ticket.",
        "Fewer walk-outs.",
    ),
    (
        "Plain-language reply templates",
        "Replies use jargon and cause follow-up questions.",
        "Rewrite the ten most used reply templates in plain language.",
        "Fewer repeat enquiries.",
    ),
    (
        "Weekend pop-up counter",
        "Working people cannot visit on weekdays.",
        "Open one counter on Saturday mornings at the busiest site.",
        "Better access.",
    ),
]


# The languages the demo gives its profiles' and training's words in, beside English.
LANGUAGES = ("zh-hant", "zh-hans", "ms")


def _in_languages(text) -> dict[str, str]:
    """A catalogue text in the other languages, from civicdesk's own translations."""
    with translation.override("en"):
        english = str(text)
    words = {}
    for code in LANGUAGES:
        with translation.override(code):
            words[code] = str(text)
    return {code: word for code, word in words.items() if word and word != english}


def _catalogue_words() -> dict[str, dict[str, str]]:
    """Every English text of the starter profiles and training, with its other languages."""
    texts = []
    for spec in PROFILES.values():
        texts += [spec["title"], spec["introduction"]]
        for competency in spec["competencies"]:
            texts += [competency["name"], *competency["behaviours"]]
    for spec in TRAINING:
        texts += [spec["title"], spec["description"]]
    words = {}
    for text in texts:
        with translation.override("en"):
            words[str(text)] = _in_languages(text)
    return words


def give_local_names() -> None:
    """The demo's profiles and training in Chinese and Malay: on records made from the
    catalogue that have no other-language words yet (a demo made before they existed gets
    them on the next run; words a person has given are kept)."""
    words = _catalogue_words()
    fields = [
        (CompetencyProfile, [("title", "titles"), ("introduction", "introductions")]),
        (Competency, [("name", "names"), ("description", "descriptions")]),
        (Behaviour, [("text", "texts")]),
        (TrainingProgramme, [("title", "titles"), ("description", "descriptions")]),
    ]
    for model, pairs in fields:
        for item in model.objects.all():
            changed = [
                many
                for one, many in pairs
                if not getattr(item, many) and words.get(getattr(item, one))
            ]
            for one, many in pairs:
                if many in changed:
                    setattr(item, many, words[getattr(item, one)])
            if changed:
                item.save(update_fields=changed)


def _staff(username: str) -> StaffProfile | None:
    return StaffProfile.objects.select_related("user").filter(user__username=username).first()


def _backdate(model, pk: int, **fields) -> None:
    """Demo history: move a record written through its service into the past."""
    model.objects.filter(pk=pk).update(**fields)


@transaction.atomic
def load(*, stdout, stderr) -> None:
    if PilotProgramme.objects.filter(name=PROGRAMME_NAME).exists():
        give_local_names()
        stdout.write("Workforce demo already loaded; names in other languages checked.")
        return
    agencies = {a.code: a for a in Agency.objects.filter(code__in=PILOT_SITES)}
    if len(agencies) != len(PILOT_SITES):
        stderr.write("Workforce demo skipped: the demo agencies are missing.")
        return
    rng = random.Random(20261124)  # noqa: S311 - demo data, not security
    today = timezone.localdate(now())
    people: dict[str, dict] = {}
    for code, agency in agencies.items():
        people[code] = _load_agency(agency, rng, stdout)
    hsg = people["HSG"]
    pilot_sites = [
        Site.objects.get(agency=agencies[code], code=site_code)
        for code, codes in PILOT_SITES.items()
        for site_code in codes
    ]
    programme = services.pilot_programme_create(
        actor=hsg["admin"].user,
        agency=agencies["HSG"],
        name=PROGRAMME_NAME,
        aims="Raise service standards at eight counters across three agencies, then roll out.",
        starts_on=today - timedelta(days=75),
        ends_on=today + timedelta(days=105),
        training_centre="Harbour City Civil Service Training Centre",
        sponsor=hsg["exec"],
    )
    for site in pilot_sites:
        owner = people[site.agency.code]["lead"]
        services.pilot_site_add(
            actor=hsg["admin"].user, programme=programme, site=site, owner=owner
        )
    services.programme_role_assign(
        actor=hsg["admin"].user,
        programme=programme,
        staff=hsg["trainer"],
        role=ProgrammeRoleKind.TRAINING_CENTRE,
    )
    for code in people:
        for member in people[code]["officers"]:
            if set(member.sites.values_list("pk", flat=True)) & {s.pk for s in pilot_sites}:
                services.programme_role_assign(
                    actor=hsg["admin"].user,
                    programme=programme,
                    staff=member,
                    role=ProgrammeRoleKind.STAFF,
                )
    plan = [
        ("Profiles promulgated and acknowledged", -75, -60, -58),
        ("First round of assessments", -60, -30, -35),
        ("Service concepts training at every pilot site", -45, -10, -3),
        ("Improvement ideas scheme launched", -40, -20, None),
        ("Second round of assessments", 0, 30, None),
        ("Decide on roll-out", 60, 100, None),
    ]
    for title, start, due, done in plan:
        m = services.milestone_create(
            actor=hsg["admin"].user,
            programme=programme,
            title=title,
            owner=hsg["lead"],
            starts_on=today + timedelta(days=start),
            due_on=today + timedelta(days=due),
        )
        if done is not None:
            services.milestone_complete(
                actor=hsg["admin"].user, milestone=m, completed_on=today + timedelta(days=done)
            )
    _load_training(people, agencies, pilot_sites)
    give_local_names()
    stdout.write(f"Workforce: pilot programme '{PROGRAMME_NAME}' with {len(pilot_sites)} sites.")


def _load_agency(agency: Agency, rng: random.Random, stdout) -> dict:
    code = agency.code.lower()
    found = {
        key: _staff(f"{code}.{suffix}")
        for key, suffix in [
            ("admin", "admin"),
            ("lead", "lead"),
            ("trainer", "trainer"),
            ("exec", "exec"),
            ("frontline", "frontline"),
            ("qsm", "qsm"),
        ]
    }
    lead = found["lead"]
    officers = [found["frontline"]]
    for site in agency.sites.order_by("code"):
        for n in (1, 2):
            username = f"{code}.officer.{site.code.lower()}{n}"
            officers.append(
                _staff(username)
                or staff_create(
                    actor=None,
                    username=username,
                    password=None,
                    display_name=f"Officer {site.code}-{n} ({agency.code})",
                    role=Role.FRONTLINE,
                    agency=agency,
                    email=f"{username}@staff.harbour.example",
                    sites=[site],
                    supervisor=lead,
                )
            )
    admin = found["admin"].user
    for group, spec in PROFILES.items():
        if CompetencyProfile.objects.filter(agency=agency, staff_group=group).exists():
            continue
        profile = services.competency_profile_create(
            actor=admin,
            agency=agency,
            staff_group=group,
            title=str(spec["title"]),
            introduction=str(spec["introduction"]),
            competencies=[
                {**c, "name": str(c["name"]), "behaviours": [str(b) for b in c["behaviours"]]}
                for c in spec["competencies"]
            ],
        )
        services.competency_profile_promulgate(actor=admin, profile=profile)
    for spec in TRAINING:
        if not TrainingProgramme.objects.filter(agency=agency, code=spec["code"]).exists():
            services.training_programme_create(
                actor=found["trainer"].user,
                agency=agency,
                code=spec["code"],
                title=str(spec["title"]),
                description=str(spec["description"]),
                competency_codes=spec["competency_codes"],
                required_for=spec["required_for"],
            )
    # A round of assessments last quarter: each officer rates themself, the lead rates them.
    moment = now()
    last_quarter = moment - timedelta(days=92)
    last_period = services.period_of(last_quarter)
    for officer in officers:
        profile = services.profile_in_force_for(officer)
        behaviours = [b.id for c in profile.competencies.all() for b in c.behaviours.all()]
        services.competency_profile_acknowledge(actor=officer.user, profile=profile)
        for assessor in (officer, lead):
            ratings = {
                b: rng.choice([2, 3, 3, 4]) if assessor == officer else rng.choice([2, 2, 3, 3, 4])
                for b in behaviours
            }
            a = services.assessment_submit(actor=assessor.user, subject=officer, ratings=ratings)
            _backdate(Assessment, a.pk, period=last_period, submitted_at=last_quarter)
    # This quarter: officers at pilot sites (trained, coached) rate higher than the rest.
    pilot_codes = set(PILOT_SITES.get(agency.code, []))
    at_pilot = {o.pk: any(site.code in pilot_codes for site in o.sites.all()) for o in officers}
    # The README's frontline account is left for whoever walks the journey to assess.
    for officer in officers[2::2]:
        profile = services.profile_in_force_for(officer)
        choices = [3, 3, 4, 4] if at_pilot[officer.pk] else [2, 3, 3]
        ratings = {
            b.id: rng.choice(choices)
            for c in profile.competencies.all()
            for b in c.behaviours.all()
        }
        services.assessment_submit(actor=officer.user, subject=officer, ratings=ratings)
    for officer in [o for o in officers if at_pilot[o.pk]][1::2]:
        profile = services.profile_in_force_for(officer)
        ratings = {
            b.id: rng.choice([3, 3, 4])
            for c in profile.competencies.all()
            for b in c.behaviours.all()
        }
        services.assessment_submit(actor=lead.user, subject=officer, ratings=ratings)
    # Ideas: pilot-site officers propose more and see more implemented; one is declined.
    outcomes_pilot = ["implemented", "implemented", "approved", "reviewed", "submitted"]
    outcomes_other = ["submitted", "reviewed", "implemented", "declined"]
    n = 0
    for officer in officers[1:]:
        outcomes = outcomes_pilot if at_pilot[officer.pk] else outcomes_other
        for _k in range(2 if at_pilot[officer.pk] else 1):
            title, problem, proposal, benefit = IDEAS[n % len(IDEAS)]
            idea = services.idea_submit(
                actor=officer.user,
                title=title,
                problem=problem,
                proposal=proposal,
                expected_benefit=benefit,
                site=officer.sites.first(),
            )
            _backdate(Idea, idea.pk, submitted_at=moment - timedelta(days=(60 - 3 * n) % 70))
            _idea_outcome(lead, idea, outcomes[n % len(outcomes)])
            n += 1
    stdout.write(f"Workforce: {agency.code} profiles, {len(officers)} assessed, ideas submitted.")
    return {**found, "officers": officers}


def _idea_outcome(lead, idea, outcome: str) -> None:
    if outcome in ("reviewed", "declined"):
        services.idea_review(actor=lead.user, idea=idea)
    if outcome == "declined":
        services.idea_decline(actor=lead.user, idea=idea, note="A similar change is planned.")
    if outcome in ("approved", "implemented"):
        services.idea_approve(actor=lead.user, idea=idea)
    if outcome == "implemented":
        services.idea_implement(actor=lead.user, idea=idea, note="Done and working well.")


def _load_training(people, agencies, pilot_sites) -> None:
    hsg = people["HSG"]
    trainer = hsg["trainer"]
    concepts = TrainingProgramme.objects.get(agency=agencies["HSG"], code="service-concepts")
    conflict = TrainingProgramme.objects.get(agency=agencies["HSG"], code="conflict-resolution")
    half_past_nine = timezone.localtime(now()).replace(hour=9, minute=30, second=0, microsecond=0)
    trained: set[int] = set()  # each officer attends the concepts course once
    for i, site in enumerate(pilot_sites):
        # A past session where everyone from the site attended, and one coming up; both
        # while the site is open (its weekly hours, public holidays and closures).
        past = services.training_session_schedule(
            actor=trainer.user,
            training=concepts,
            site=site,
            trainer=trainer,
            **_open_session(site, half_past_nine + timedelta(days=1)),
            capacity=12,
        )
        officers = [
            o
            for o in people[site.agency.code]["officers"]
            if site in o.sites.all() and o.pk not in trained
        ]
        trained.update(o.pk for o in officers)
        for officer in officers:
            services.enrolment_create(
                actor=trainer.user
                if site.agency_id == trainer.agency_id
                else people[site.agency.code]["lead"].user,
                session=past,
                staff=officer,
            )
        _backdate(
            TrainingSession, past.pk, **_open_session(site, half_past_nine - timedelta(days=20 + i))
        )
        past.refresh_from_db()
        for j, enrolment in enumerate(past.enrolments.all()):
            status = EnrolmentStatus.COMPLETED if (i + j) % 3 else EnrolmentStatus.NO_SHOW
            services.enrolment_record(actor=trainer.user, enrolment=enrolment, status=status)
        services.training_session_schedule(
            actor=trainer.user,
            training=conflict,
            site=site,
            trainer=trainer,
            **_open_session(site, half_past_nine + timedelta(days=7 + 2 * i)),
            capacity=10,
        )


def _open_session(site, after) -> dict:
    """starts_at and ends_at of a three-hour session at the site's first open time from `after`."""
    starts_at = session_slot(site=site, after=after, duration=SESSION_LENGTH)
    return {"starts_at": starts_at, "ends_at": starts_at + SESSION_LENGTH}
