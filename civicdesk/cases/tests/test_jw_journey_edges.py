"""Edges of journeys 1 and 6 found by walking them: a question to the citizen is not the
reply owed, the staff history is not written in the citizen's language, and a reply cannot
reopen a case past its reopen window."""

from datetime import timedelta

import pytest
from django.utils import translation

from civicdesk.cases.models import CaseStatus
from civicdesk.cases.services import case_citizen_add, case_create, case_reply, case_set_status
from civicdesk.cases.templatetags.cases_tags import case_clock
from civicdesk.core.errors import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(monday, leak):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="天花板漏水", contact_email="chan@example.org",
                       language="zh-hant")  # fmt: skip


def test_a_question_to_the_citizen_is_not_the_reply_owed(case, officer, monday):
    case_reply(case=case, actor=officer.user, body="Which room?", then_status="awaiting_citizen")
    case.refresh_from_db()
    assert case.acknowledged_at is not None  # the question acknowledges the case
    assert case.replied_at is None
    monday.shift(timedelta(hours=2))
    case_citizen_add(case=case, body="浴室。")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.paused_at is None
    with translation.override("en"):
        clock = case_clock(case)
    assert clock["text"].startswith("Reply due in")  # the restarted clock counts down again
    case_reply(case=case, actor=officer.user, body="A plumber comes on Tuesday.")
    case.refresh_from_db()
    assert case.replied_at is not None


def test_the_citizen_replied_event_is_not_in_the_citizens_language(case, officer, monday):
    case_reply(case=case, actor=officer.user, body="Which room?", then_status="awaiting_citizen")
    with translation.override("zh-hant"):  # the citizen's tracking page
        case_citizen_add(case=case, body="浴室。")
    event = case.events.filter(action="status").order_by("-pk").first()
    assert event.text == "The citizen replied."


def test_a_reply_cannot_reopen_a_case_past_the_reopen_window(case, officer, monday, settings):
    settings.CIVICDESK_CASE_REOPEN_DAYS = 30
    case_set_status(case=case, actor=officer.user, status="resolved")
    monday.shift(timedelta(days=31))
    with pytest.raises(Conflict):
        case_reply(case=case, actor=officer.user, body="Reopening.", then_status="in_progress")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert not case.messages.filter(body="Reopening.").exists()  # nothing half-written


def test_a_reply_within_the_window_may_reopen(case, officer, monday, settings):
    settings.CIVICDESK_CASE_REOPEN_DAYS = 30
    case_set_status(case=case, actor=officer.user, status="resolved")
    monday.shift(timedelta(days=2))
    case_reply(case=case, actor=officer.user, body="Reopening.", then_status="in_progress")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
