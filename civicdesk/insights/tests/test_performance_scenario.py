"""A small, hand-checked day at one site, made through the real queue services with the clock
frozen and moved minute by minute. Shared by the performance tests (no tests in this module).

Alice (team One, counter 1) and Bob (team Two, counter 2) on Tuesday 3 March 2026, from 10:00
Hong Kong time, services A (quick) and B (slow):

  Alice  a1@A  call 10:00 start 10:01 finish 10:05            served 240 s
         b1@B  call 10:05 start 10:06 hold 10:10 resume 10:20
               finish 10:26                                    served 600 s, held
         a3@A  call 10:26 recall 10:27, 10:28, no-show 10:29   no-show
         b3@A  (from Bob) call 10:35 start 10:36 finish 10:38  served 120 s
  Bob    a2@A  call 10:00 start 10:02 finish 10:08            served 360 s
         b2@B  call 10:08 start 10:09 finish 10:29            served 1200 s
         b3@B  call 10:29 start 10:30 transfer to A 10:33      served 180 s, transferred

Service means: A (240 + 120 + 360) / 3 = 240 s; B (600 + 1200 + 180) / 3 = 660 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from civicdesk.cases.models import Case
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import DepartmentFactory, SiteFactory, StaffFactory
from civicdesk.queues import services as q
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory
from civicdesk.surveys.models import Response, Source
from civicdesk.surveys.services import survey_create_default

HK = ZoneInfo("Asia/Hong_Kong")
DAY = datetime(2026, 3, 3, 10, 0, tzinfo=HK)  # a Tuesday, no public holiday


@dataclass
class Scenario:
    agency: object
    site: object
    service_a: object
    service_b: object
    team_one: object
    team_two: object
    alice: object  # StaffProfile
    bob: object
    lead: object  # team lead of team One (no site)
    qsm: object
    trainer: object


def build(agency) -> Scenario:
    site = SiteFactory(agency=agency, code="HCC", name="Harbour Central")
    service_a = ServiceFactory(site=site, name="Quick matters", prefix="A", max_recalls=2)
    service_b = ServiceFactory(site=site, name="Slow matters", prefix="B")
    counter_1 = CounterFactory(site=site, name="1", services=[service_a, service_b])
    counter_2 = CounterFactory(site=site, name="2", services=[service_a, service_b])
    team_one = DepartmentFactory(agency=agency, code="ONE", name="Team One")
    team_two = DepartmentFactory(agency=agency, code="TWO", name="Team Two")
    alice = StaffFactory(
        agency=agency, role=Role.FRONTLINE, display_name="Alice Officer",
        departments=[team_one], sites=[site],
    )  # fmt: skip
    bob = StaffFactory(
        agency=agency, role=Role.FRONTLINE, display_name="Bob Officer",
        departments=[team_two], sites=[site],
    )  # fmt: skip
    lead = StaffFactory(
        agency=agency, role=Role.TEAM_LEAD, display_name="Lena Lead", departments=[team_one]
    )
    qsm = StaffFactory(agency=agency, role=Role.QSM, display_name="Quinn Manager")
    trainer = StaffFactory(agency=agency, role=Role.TRAINER, display_name="Tess Trainer")
    A, B = alice.user, bob.user

    with time_machine.travel(DAY, tick=False) as clock:

        def at(minute: int) -> None:
            clock.move_to(DAY + timedelta(minutes=minute))

        at(0)
        issue = {}
        for name, service in (("a1", service_a), ("a2", service_a), ("b1", service_b),
                              ("b2", service_b), ("b3", service_b), ("a3", service_a)):  # fmt: skip
            issue[name] = q.ticket_issue(service=service, channel="kiosk")
        t = issue
        q.ticket_call(actor=A, counter=counter_1, ticket=t["a1"])
        q.ticket_call(actor=B, counter=counter_2, ticket=t["a2"])
        at(1)
        q.ticket_start(actor=A, ticket=t["a1"])
        at(2)
        q.ticket_start(actor=B, ticket=t["a2"])
        at(5)
        q.ticket_finish(actor=A, ticket=t["a1"])
        q.ticket_call(actor=A, counter=counter_1, ticket=t["b1"])
        at(6)
        q.ticket_start(actor=A, ticket=t["b1"])
        at(8)
        q.ticket_finish(actor=B, ticket=t["a2"])
        q.ticket_call(actor=B, counter=counter_2, ticket=t["b2"])
        at(9)
        q.ticket_start(actor=B, ticket=t["b2"])
        at(10)
        q.ticket_hold(actor=A, ticket=t["b1"])
        at(20)
        q.ticket_resume(actor=A, ticket=t["b1"])
        at(26)
        q.ticket_finish(actor=A, ticket=t["b1"])
        q.ticket_call(actor=A, counter=counter_1, ticket=t["a3"])
        at(27)
        q.ticket_recall(actor=A, ticket=t["a3"])
        at(28)
        q.ticket_recall(actor=A, ticket=t["a3"])
        at(29)
        q.ticket_no_show(actor=A, ticket=t["a3"])
        q.ticket_finish(actor=B, ticket=t["b2"])
        q.ticket_call(actor=B, counter=counter_2, ticket=t["b3"])
        at(30)
        q.ticket_start(actor=B, ticket=t["b3"])
        at(33)
        q.ticket_transfer(actor=B, ticket=t["b3"], service=service_a)
        at(35)
        q.ticket_call(actor=A, counter=counter_1, ticket=t["b3"])
        at(36)
        q.ticket_start(actor=A, ticket=t["b3"])
        at(38)
        q.ticket_finish(actor=A, ticket=t["b3"])

    # Survey answers naming the officer: Alice 5 and 3 (50% satisfied), Bob 4 (100%).
    version = survey_create_default(agency=agency).current_version
    for officer, score, service in ((alice, 5, service_a), (alice, 3, service_b), (bob, 4, service_b)):  # fmt: skip
        Response.objects.create(
            agency=agency, version=version, site=site, officer=officer,
            service_key=f"queues.service:{service.pk}", service_name=service.name,
            source=Source.TICKET, answered_at=DAY + timedelta(hours=2), csat=score,
        )  # fmt: skip
    # Cases resolved that day: Alice replied in time, Bob late.
    for n, (officer, late) in enumerate(((alice, False), (bob, True))):
        Case.objects.create(
            reference=f"HSG-2026-00000{n}", agency=agency, kind="enquiry", channel="web",
            subject="A question", description="Text", assignee=officer, site=site,
            received_at=DAY - timedelta(days=2), reply_due_at=DAY,
            replied_at=DAY + timedelta(hours=1 if late else -1),
            resolved_at=DAY + timedelta(hours=3),
        )  # fmt: skip
    return Scenario(
        agency=agency, site=site, service_a=service_a, service_b=service_b, team_one=team_one,
        team_two=team_two, alice=alice, bob=bob, lead=lead, qsm=qsm, trainer=trainer,
    )  # fmt: skip
