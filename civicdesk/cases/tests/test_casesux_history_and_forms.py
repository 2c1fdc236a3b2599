"""The history's system notes and its "system" read in the staff member's language (events
already stored in English too); the public report form's contact fields carry autocomplete
hints (WCAG 1.3.5), the staff form's do not offer the officer's own details; the clock panel
says that the automatic receipt is not the personal acknowledgement the standard asks for."""

import re

import pytest
from django.utils import dateformat, translation

from civicdesk.cases.models import CaseEvent, CaseStatus
from civicdesk.cases.services import case_citizen_add, case_create, case_reply, case_set_status
from civicdesk.cases.tests.conftest import HK

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def case(monday, leak):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Ceiling leaking", contact_email="chan@example.org")  # fmt: skip


def _history(client, case, language: str) -> str:
    client.cookies["django_language"] = language
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    return page.split('data-testid="history"')[1].split("</ol>")[0]


def test_a_system_note_reads_in_the_staff_members_language(client, case, officer):
    case_reply(case=case, actor=officer.user, body="Which room?", then_status="awaiting_citizen")
    case_citizen_add(case=case, body="The bathroom.")
    event = CaseEvent.objects.get(case=case, action="status", data__to=CaseStatus.IN_PROGRESS)
    assert event.text == "The citizen replied." and event.actor_label == "system"  # as stored
    client.force_login(officer.user)
    english = _history(client, case, "en")
    assert "system · Status changed → In progress: The citizen replied." in english
    chinese = _history(client, case, "zh-hant")
    assert "市民已回覆。" in chinese and "The citizen replied." not in chinese
    assert "系統 · " in chinese and "system" not in chinese
    simplified = _history(client, case, "zh-hans")
    assert "system" not in simplified and "The citizen replied." not in simplified


def test_a_note_stored_in_another_language_still_reads_in_the_readers(client, case, officer):
    """A site whose default language was Chinese stored its notes in Chinese."""
    case_set_status(case=case, actor=officer.user, status="resolved")
    case_citizen_add(case=case, body="It is leaking again.")
    CaseEvent.objects.filter(case=case, actor_label="system").update(
        text="個案已解決後，市民再來信。"
    )
    client.force_login(officer.user)
    assert "The citizen wrote after the case was resolved." in _history(client, case, "en")
    # An officer's own words are never changed.
    case_set_status(case=case, actor=officer.user, status="resolved", note="The citizen replied.")
    assert "The citizen replied." in _history(client, case, "zh-hant")


def _input(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def test_the_public_form_lets_the_browser_fill_in_her_details(client, leak):
    page = client.get("/cases/new/").content.decode()
    assert 'autocomplete="name"' in _input(page, "contact_name")
    email = _input(page, "contact_email")
    assert 'autocomplete="email"' in email and 'type="email"' in email
    phone = _input(page, "contact_phone")
    assert 'autocomplete="tel"' in phone and 'type="tel"' in phone
    assert 'class="govuk-input"' in phone


def test_the_staff_form_does_not_offer_the_officers_own_details(client, leak, officer):
    client.force_login(officer.user)
    page = client.get("/cases/staff/new/").content.decode()
    for name in ("contact_name", "contact_email", "contact_phone"):
        assert 'autocomplete="off"' in _input(page, name)


def _clock_panel(client, case) -> str:
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    found = re.search(r'data-testid="acknowledgement">(.*?)</p>', page, re.S)
    return found.group(1) if found else ""


def test_the_clock_says_the_automatic_receipt_is_not_the_acknowledgement(client, case, officer):
    client.force_login(officer.user)
    client.cookies["django_language"] = "en"
    panel = _clock_panel(client, case)
    # Monday 2 March 2026 10:00 in Hong Kong: the receipt went then; 8 working hours to go.
    assert "An automatic receipt was sent on 2 Mar 2026 10:00" in panel
    due = dateformat.format(case.acknowledge_due_at.astimezone(HK), "j M Y H:i")
    assert f"a personal acknowledgement is due by {due}." in panel
    assert "replying to the citizen or by moving it on from New" in panel
    # Acknowledged by the officer: nothing more is owed, the panel says nothing.
    case_set_status(case=case, actor=officer.user, status="acknowledged")
    assert _clock_panel(client, case) == ""


def test_without_a_receipt_the_panel_says_only_what_is_due(client, monday, leak, officer):
    silent = case_create(agency=leak.agency, category=leak, kind="complaint", channel="phone",
                         description="Leak, caller gave no contact")  # fmt: skip
    client.force_login(officer.user)
    client.cookies["django_language"] = "en"
    panel = _clock_panel(client, silent)
    assert "automatic receipt" not in panel and "A personal acknowledgement is due by" in panel


def test_the_dashboard_says_what_an_acknowledgement_is(client, qsm):
    client.force_login(qsm.user)
    client.cookies["django_language"] = "en"
    page = client.get("/cases/staff/dashboard/").content.decode()
    assert "The automatic receipt sent when a case arrives does not count." in page
