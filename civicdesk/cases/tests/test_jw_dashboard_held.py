"""The QSM's morning lists what her agency must act on: a case it transferred away is still on
her bounced list (it went back and forth), but not on her about-to-breach or breached lists,
which are the holder's to act on."""

from datetime import timedelta

import pytest

from civicdesk.cases.selectors import qsm_dashboard
from civicdesk.cases.services import case_create, case_transfer, cases_mark_breaches
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_sent_away_cases_are_only_on_the_bounced_list(monday, leak, qsm):
    env = AgencyFactory(code="ENV", name="Environment Agency")
    env_qsm = StaffFactory(agency=env, role=Role.QSM)
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Tree fell", contact_email="a@example.org")  # fmt: skip
    for actor, target in ((qsm, env), (env_qsm, leak.agency), (qsm, env)):
        case = case_transfer(case=case, actor=actor.user, to_agency=target, reason="Not ours")
    monday.move_to(case.acknowledge_due_at - timedelta(hours=1))
    mine, holder = qsm_dashboard(user=qsm.user), qsm_dashboard(user=env_qsm.user)
    assert case in mine["bounced"] and case in holder["bounced"]
    assert case in holder["about_to_breach"]
    assert case not in mine["about_to_breach"]
    monday.move_to(case.acknowledge_due_at + timedelta(hours=1))
    cases_mark_breaches()
    assert case in qsm_dashboard(user=env_qsm.user)["breached"]
    assert case not in qsm_dashboard(user=qsm.user)["breached"]


def test_the_bounced_list_says_who_holds_each_case_now(client, monday, leak, qsm):
    env = AgencyFactory(code="ENV", name="Environment Agency", names={"zh-hant": "環境署"})
    env_qsm = StaffFactory(agency=env, role=Role.QSM)
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Tree fell", contact_email="a@example.org")  # fmt: skip
    for actor, target in ((qsm, env), (env_qsm, leak.agency), (qsm, env)):
        case = case_transfer(case=case, actor=actor.user, to_agency=target, reason="Not ours")
    client.force_login(qsm.user)
    page = client.get("/cases/staff/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    bounced = page.split('data-testid="bounced"')[1].split("</table>")[0]
    assert case.reference in bounced and "Now with Environment Agency" in bounced


def test_the_queues_due_filters_leave_out_cases_sent_away(monday, leak, qsm):
    from civicdesk.cases.selectors import case_list

    env = AgencyFactory(code="ENV", name="Environment Agency")
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Tree fell", contact_email="a@example.org")  # fmt: skip
    case = case_transfer(case=case, actor=qsm.user, to_agency=env, reason="Not ours")
    monday.move_to(case.acknowledge_due_at - timedelta(hours=1))
    assert case in case_list(user=qsm.user)  # still readable, for its history
    assert case not in case_list(user=qsm.user, due="soon")
    monday.move_to(case.acknowledge_due_at + timedelta(hours=1))
    cases_mark_breaches()
    assert case not in case_list(user=qsm.user, due="breached")
