"""Six months of survey answers for Harbour City, with a visible improvement at two sites.

Harbour Central Customer Centre (HSG/HCC) and the Central Licensing Office (TRN/LIC1) start a
customer-service training programme IMPROVEMENT_DAYS_AGO days before the demo is loaded; their
scores rise afterwards while the other sites stay flat, so the before/after evaluation (with
difference-in-differences against the other sites) has something real to find.
Idempotent: an agency that already has demo answers is left alone.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from civicdesk.core.clock import now
from civicdesk.organisations.models import Agency, StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.surveys.models import Answer, Invitation, Response, Source, SuggestionStatus
from civicdesk.surveys.services import (
    invitation_url,
    suggestion_submit,
    survey_create_default,
    survey_invite,
    survey_policy_for,
)

DAYS = 182
IMPROVEMENT_DAYS_AGO = 75
IMPROVED_SITES = {("HSG", "HCC"), ("TRN", "LIC1")}
SERVICES = {
    "HSG": [("RENT", "Rent and payments"), ("TEN", "Tenancy matters"), ("REP", "Repairs")],
    "TRN": [("DL", "Driving licence"), ("VEH", "Vehicle licence"), ("PRK", "Parking permit")],
    "ENV": [("BULK", "Bulky waste"), ("TREE", "Tree report"), ("NOISE", "Noise complaint")],
}
CHANNELS = ["counter", "counter", "counter", "phone", "web", "email"]
GOOD_COMMENTS = [
    ("en", "Friendly staff and short waiting time"),
    ("en", "The officer explained everything clearly"),
    ("en", "Quick service, friendly staff"),
    ("zh-hant", "職員很有禮貌，等候時間很短"),
    ("zh-hans", "职员很耐心，解释清楚"),
    ("ms", "Kakitangan mesra dan cepat"),
]
BAD_COMMENTS = [
    ("en", "Waiting time was too long"),
    ("en", "Long waiting time and not enough counters open"),
    ("en", "Forms are confusing, nobody explained the forms"),
    ("zh-hant", "等候時間太長，櫃位太少"),
    ("zh-hans", "等候时间太长"),
    ("ms", "Masa menunggu terlalu lama"),
]


def _scores(rng: np.random.Generator, quality: float) -> dict[str, int]:
    q = float(np.clip(quality + rng.normal(0, 0.12), 0.02, 0.98))
    return {
        "satisfied": 1 + int(rng.binomial(4, q)),
        "trust": 1 + int(rng.binomial(4, q)),
        "need_addressed": 1 + int(rng.binomial(4, min(q + 0.05, 0.98))),
        "easy": 1 + int(rng.binomial(4, q)),
        "reasonable_time": 1 + int(rng.binomial(4, max(q - 0.05, 0.02))),
        "treated_fairly": 1 + int(rng.binomial(4, min(q + 0.1, 0.98))),
        "helpful": 1 + int(rng.binomial(4, q)),
        "effort": 1 + int(rng.binomial(6, q)),
        "recommend": int(rng.binomial(10, min(q + 0.05, 0.98))),
    }


def load(*, stdout, stderr) -> None:
    total = 0
    for agency in Agency.objects.filter(code__in=SERVICES).order_by("code"):
        if Response.objects.filter(agency=agency, source=Source.DEMO).exists():
            continue
        total += _load_agency(agency)
    if total:
        stdout.write(f"Surveys: {total} demo answers over {DAYS} days.")
    _demo_invitation(stdout)


def _demo_invitation(stdout) -> None:
    """One open invitation to try the answering page, made once (as after a finished ticket)."""
    agency = Agency.objects.filter(code="HSG").first()
    if agency is None or Invitation.objects.filter(agency=agency, source=Source.DEMO).exists():
        return
    site = agency.sites.filter(code="HCC").first()
    officer = StaffProfile.objects.filter(user__username="hsg.frontline").first()
    policy = survey_policy_for(agency)
    policy.link_valid_days = max(policy.link_valid_days, 365)  # so the demo link keeps working
    policy.save(update_fields=["link_valid_days", "updated_at"])
    invitation = survey_invite(
        agency=agency,
        site=site,
        officer=officer,
        department=agency.departments.filter(code="RENT").first(),
        service_key="RENT",
        service_name="Rent and payments",
        channel="counter",
        language="zh-hant",
        source=Source.DEMO,
    )
    if invitation is not None:
        stdout.write(f"Surveys: try the answering page at {invitation_url(invitation)}")


def _served_visits(sites, first: date, last: date) -> dict[tuple[int, date], list[tuple]]:
    """(site, day) -> (officer, service, finished at) of each visit an officer served there: a
    demo answer names the officer of a real visit, as an invitation after a ticket does (answers
    named officers at random, some of whom had served nobody)."""
    from civicdesk.queues.models import Ticket, TicketStatus

    visits: dict[tuple[int, date], list[tuple]] = {}
    rows = (
        Ticket.objects.filter(
            site__in=sites,
            status=TicketStatus.DONE,
            officer__isnull=False,
            day__gte=first,
            day__lt=last,
        )
        .values_list("site_id", "day", "officer_id", "service_id", "finished_at")
        .order_by("site_id", "day", "pk")
    )
    for site_id, day, officer_id, service_id, finished_at in rows.iterator(chunk_size=5000):
        visits.setdefault((site_id, day), []).append((officer_id, service_id, finished_at))
    return visits


def _load_agency(agency: Agency) -> int:
    version = survey_create_default(agency=agency).current_version
    questions = {q.key: q for q in version.questions.all()}
    sites = list(agency.sites.order_by("code"))
    departments = list(agency.departments.order_by("code"))
    officers = list(
        StaffProfile.objects.filter(agency=agency, role__in=[Role.FRONTLINE, Role.TEAM_LEAD])
    )
    from civicdesk.queues.models import Service

    # Answers name the site's own queue services as a real invitation after a ticket does
    # (surveys.integration), so the performance page and the dashboards can join them.
    services_at: dict[int, list[tuple[str, str]]] = {}
    service_names: dict[int, str] = {}
    for service in Service.objects.filter(site__in=sites).order_by("site_id", "prefix", "pk"):
        service_names[service.pk] = service.name
        services_at.setdefault(service.site_id, []).append(
            (f"queues.service:{service.pk}", service.name)
        )
    rng = np.random.default_rng(sum(map(ord, agency.code)))
    zone = ZoneInfo(agency.timezone)
    today = now().astimezone(zone).date()
    visits = _served_visits(sites, today - timedelta(days=DAYS), today)
    # Its own stream picks the visit an answer is about: the scores' stream stays as it was.
    pick = random.Random(f"civicdesk-survey-visits-{agency.code}")  # noqa: S311
    change = today - timedelta(days=IMPROVEMENT_DAYS_AGO)
    responses: list[Response] = []
    answers: list[tuple[int, dict[str, int], tuple[str, str] | None]] = []
    for offset in range(DAYS, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() == 6:
            continue
        for index, site in enumerate(sites):
            offered = services_at.get(site.pk) or SERVICES[agency.code]
            base = 0.58 + 0.04 * index
            improved = (agency.code, site.code) in IMPROVED_SITES and day >= change
            quality = base + (0.12 if improved else 0.0)
            for _n in range(int(rng.poisson(3))):
                key, name = offered[int(rng.integers(0, 3)) % len(offered)]
                at = datetime.combine(day, time(9), tzinfo=zone) + timedelta(
                    minutes=int(rng.integers(0, 8 * 60))
                )
                officer_id = None
                served = visits.get((site.pk, day))
                if served:  # an answer is about a visit: its officer and service, after it ended
                    officer_id, service_id, finished_at = pick.choice(served)
                    key, name = f"queues.service:{service_id}", service_names[service_id]
                    at = max(at, finished_at + timedelta(minutes=pick.randint(5, 90)))
                scores = _scores(rng, quality)
                comment = None
                if rng.random() < 0.3:
                    pool = GOOD_COMMENTS if scores["satisfied"] >= 4 else BAD_COMMENTS
                    comment = pool[int(rng.integers(0, len(pool)))]
                language = comment[0] if comment else "en"
                # The draw that once picked an officer at random, kept so the scores that follow
                # are the same; the officer is now the one who served the visit.
                _unused = rng.integers(0, len(officers)) if officers else None
                responses.append(
                    Response(
                        agency=agency,
                        version=version,
                        site=site,
                        department=departments[index % len(departments)] if departments else None,
                        officer_id=officer_id,
                        service_key=key,
                        service_name=name,
                        channel=CHANNELS[int(rng.integers(0, len(CHANNELS)))],
                        language=language,
                        source=Source.DEMO,
                        answered_at=at,
                        csat=scores["satisfied"],
                        nps=scores["recommend"],
                        ces=scores["effort"],
                    )
                )
                answers.append((len(responses) - 1, scores, comment))
    Response.objects.bulk_create(responses, batch_size=500)
    if responses[0].pk is None:  # backends that do not return ids from bulk inserts
        ids = list(
            Response.objects.filter(agency=agency, source=Source.DEMO)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for response, pk in zip(responses, ids, strict=True):
            response.pk = pk
    rows = []
    for index, scores, comment in answers:
        response = responses[index]
        for key, value in scores.items():
            rows.append(Answer(response=response, question=questions[key], number=value))
        if comment:
            field = "went_well" if scores["satisfied"] >= 4 else "not_well"
            rows.append(Answer(response=response, question=questions[field], text=comment[1]))
    Answer.objects.bulk_create(rows, batch_size=2000)
    if not agency.suggestions.exists():
        suggestion_submit(agency=agency, site=sites[0] if sites else None,
                          text="Please add more seats in the waiting area.", channel="kiosk")  # fmt: skip
        suggestion_submit(agency=agency, text="Send a reminder SMS the day before appointments.")
    assert all(s.status == SuggestionStatus.PENDING for s in agency.suggestions.all())
    return len(responses)
