"""The case page tells staff the truth: a replied case is not counting down to (or overdue on)
its reply; a reassignment that changes nothing says so and is not logged; a reply never moves a
case to a status the reply form does not offer."""

from datetime import timedelta

import pytest
from django.utils import translation

from civicdesk.audit.models import AuditEntry
from civicdesk.cases.models import CaseStatus
from civicdesk.cases.services import case_create, case_reply
from civicdesk.cases.templatetags.cases_tags import case_clock
from civicdesk.core.errors import ValidationFailed
from civicdesk.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The clock's words are read in English here (a request in another test may have left
    another language active in this thread)."""
    with translation.override("en"):
        yield


@pytest.fixture
def case(monday, leak):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Ceiling leaking", contact_email="chan@example.org")  # fmt: skip


def test_a_replied_case_is_not_due_nor_overdue(client, case, officer, monday):
    case_reply(case=case, actor=officer.user, body="A plumber comes on Tuesday.")
    case.refresh_from_db()
    assert case_clock(case)["text"] == "Replied"
    monday.shift(timedelta(days=30))  # long past the reply due: still in progress, replied
    assert case_clock(case) == {"colour": "green", "text": "Replied"}
    client.force_login(officer.user)
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    assert "Overdue" not in page and "Replied" in page


def test_a_reply_after_the_due_time_reads_late(case, officer, monday):
    monday.shift(timedelta(days=30))
    case_reply(case=case, actor=officer.user, body="Sorry for the wait.")
    case.refresh_from_db()
    assert case_clock(case) == {"colour": "orange", "text": "Replied late"}


def test_reassigning_to_the_same_officer_says_nothing_changed(client, case, officer, qsm):
    case.assignee = officer
    case.save(update_fields=["assignee"])
    client.force_login(qsm.user)
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    assert f"Now with {officer.display_name}." in page
    assert f'<option value="{case.category_id}" selected>' in page
    response = client.post(f"/cases/staff/{case.reference}/assign/",
                           {"category": case.category_id, "assignee": officer.pk}, follow=True)  # fmt: skip
    assert "Nothing changed: the case already had that category and officer." in (
        response.content.decode()
    )
    assert not AuditEntry.objects.filter(action="case.assign").exists()


@pytest.mark.parametrize("then_status", ["closed", "new", "acknowledged", "bogus"])
def test_a_reply_moves_only_to_what_the_reply_form_offers(case, officer, then_status):
    sent_before = OutboxMessage.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        case_reply(case=case, actor=officer.user, body="Done.", then_status=then_status)
    assert refused.value.code == "then_status"
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW and case.replied_at is None
    assert OutboxMessage.objects.count() == sent_before  # nothing was sent


def test_api_reply_with_a_status_it_cannot_take_is_a_422(client, case, officer):
    client.force_login(officer.user)
    response = client.post(f"/api/v1/cases/{case.reference}/reply",
                           {"body": "Done.", "then_status": "closed"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "then_status"


def test_history_says_what_happened_in_words(client, case, officer, other_agency):
    case_reply(case=case, actor=officer.user, body="Which room?", then_status="awaiting_citizen")
    client.force_login(officer.user)
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    history = page.split('data-testid="history"')[1].split("</ol>")[0]
    assert "Case received" in history and "Replied to the citizen" in history
    assert "Status changed → Waiting for the citizen" in history
    assert "awaiting_citizen" not in history and "replied" not in history


def test_reassign_offers_only_officers_it_can_take(client, case, officer, qsm, agency):
    from civicdesk.organisations.roles import Role
    from civicdesk.organisations.tests.factories import StaffFactory

    counter_only = StaffFactory(agency=agency, role=Role.FRONTLINE)  # in no department
    client.force_login(qsm.user)
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    assign = page.split('data-testid="action-assign"')[1].split("</details>")[0]
    assert f'value="{officer.pk}"' in assign and f'value="{counter_only.pk}"' not in assign
