"""A transfer restarts the clock from when the citizen first wrote, under the new holder's
standard; the time the clock stood still waiting for the citizen still counts as paused."""

from datetime import timedelta

import pytest

from civicdesk.cases.services import case_citizen_add, case_create, case_reply, case_transfer
from civicdesk.organisations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_a_transfer_keeps_the_paused_time(monday, leak, officer):
    other = AgencyFactory(code="ENV", name="Environment Agency")
    paused = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                         description="Tree fell", contact_email="a@example.org")  # fmt: skip
    plain = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                        description="Tree fell too", contact_email="b@example.org")  # fmt: skip
    case_reply(case=paused, actor=officer.user, body="Where?", then_status="awaiting_citizen")
    monday.shift(timedelta(days=2))  # Monday 10:00 to Wednesday 10:00: two working days
    case_citizen_add(case=paused, body="Block D.")
    paused.refresh_from_db()
    assert paused.paused_seconds > 0
    seconds = paused.paused_seconds
    for case in (paused, plain):
        case_transfer(case=case, actor=officer.user, to_agency=other, reason="Trees are theirs")
        case.refresh_from_db()
    assert paused.paused_seconds == seconds
    assert paused.reply_due_at > plain.reply_due_at
