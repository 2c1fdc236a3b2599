"""A citizen who writes on a resolved case ("the leak is back") is not left on a case nobody
looks at: within the reopen window the case reopens; after it, they are told to start a new
one, and nothing is stored."""

from datetime import timedelta

import pytest
from django.utils import translation

from civicdesk.cases.models import CaseStatus, MessageKind
from civicdesk.cases.selectors import case_list
from civicdesk.cases.services import case_citizen_add, case_create, case_set_status
from civicdesk.core.errors import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(monday, leak, officer, settings):
    settings.CIVICDESK_CASE_REOPEN_DAYS = 30
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Ceiling leaking", contact_email="chan@example.org")  # fmt: skip
    case_set_status(case=case, actor=officer.user, status="resolved")
    return case


def test_writing_within_the_window_reopens(resolved, officer, monday):
    monday.shift(timedelta(days=3))
    case_citizen_add(case=resolved, body="The leak is back.")
    resolved.refresh_from_db()
    assert resolved.status == CaseStatus.IN_PROGRESS
    assert resolved.resolved_at is None and resolved.reply_due_at is not None
    assert resolved in case_list(user=officer.user, status="open")


def test_writing_after_the_window_is_refused(resolved, monday):
    monday.shift(timedelta(days=31))
    with translation.override("en"), pytest.raises(Conflict) as refused:
        case_citizen_add(case=resolved, body="The leak is back.")
    assert resolved.reference in refused.value.message
    resolved.refresh_from_db()
    assert resolved.status == CaseStatus.RESOLVED
    assert not resolved.messages.filter(kind=MessageKind.FROM_CITIZEN, body__contains="back")


def test_the_tracking_page_offers_to_add_only_while_a_message_would_be_taken(client, resolved,
                                                                             monday):  # fmt: skip
    def page():
        client.post("/cases/track/", {"reference": resolved.reference,
                                      "contact": "chan@example.org"})  # fmt: skip
        return client.get(f"/cases/track/{resolved.reference}/",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()  # fmt: skip

    monday.shift(timedelta(days=3))
    assert "Add to my case" in page()
    monday.shift(timedelta(days=28))  # 31 days after it was resolved: past the window
    html = page()
    assert "Add to my case" not in html and "Send a new message" in html
