"""The suggestion box and its moderation workflow."""

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import TEST_PASSWORD, SiteFactory, StaffFactory
from civicdesk.surveys import services
from civicdesk.surveys.models import Suggestion, SuggestionStatus
from civicdesk.surveys.workflows import suggestion_set_status

pytestmark = pytest.mark.django_db


def test_anonymous_suggestion_from_a_kiosk(client, agency):
    site = SiteFactory(agency=agency, code="HCC")
    url = reverse("surveys:suggest_site", args=[agency.code, site.code])
    page = client.post(url, {"text": "More seats near counter 3", "kiosk": "1"})
    assert page.status_code == 200
    suggestion = Suggestion.objects.get()
    assert suggestion.reference in page.content.decode()
    assert (suggestion.site, suggestion.channel, suggestion.status) == (site, "kiosk", "pending")


def test_empty_suggestion_is_refused_with_a_message(client, agency):
    page = client.post(reverse("surveys:suggest", args=[agency.code]), {"text": " "})
    assert page.status_code == 422 and "There is a problem" in page.content.decode()
    assert not Suggestion.objects.exists()


def test_workflow_moves_only_from_pending():
    suggestion = Suggestion(status=SuggestionStatus.PENDING)
    suggestion_set_status(suggestion, SuggestionStatus.REJECTED, actor=None, note="dup")
    assert suggestion.status == "rejected" and suggestion.moderated_at is not None
    with pytest.raises(IllegalTransition):
        suggestion_set_status(suggestion, SuggestionStatus.ACCEPTED, actor=None)
    accepted = Suggestion(status=SuggestionStatus.PENDING)
    suggestion_set_status(accepted, SuggestionStatus.ACCEPTED, actor=None)
    with pytest.raises(IllegalTransition):
        suggestion_set_status(accepted, SuggestionStatus.REJECTED, actor=None)


def test_qsm_rejects_with_a_note_and_it_is_audited(agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM).user
    suggestion = services.suggestion_submit(agency=agency, text="Open on Sundays")
    with pytest.raises(ValidationFailed):
        services.suggestion_moderate(actor=qsm, suggestion=suggestion, decision="rejected")
    services.suggestion_moderate(
        actor=qsm, suggestion=suggestion, decision="rejected", note="Budget"
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "rejected" and suggestion.moderated_by == qsm
    assert AuditEntry.objects.filter(action="suggestion.reject").count() == 1


def test_accepting_opens_a_suggestion_case(agency):
    from civicdesk.cases.models import Case

    qsm = StaffFactory(agency=agency, role=Role.QSM).user
    suggestion = services.suggestion_submit(agency=agency, text="Open on Sundays", channel="kiosk")
    services.suggestion_moderate(actor=qsm, suggestion=suggestion, decision="accepted")
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    case = Case.objects.get(agency=agency, kind="suggestion")
    assert case.description == "Open on Sundays" and case.channel == "counter"
    assert AuditEntry.objects.filter(action__startswith="suggestion.").exists()


def test_frontline_cannot_moderate(agency):
    officer = StaffFactory(agency=agency, role=Role.FRONTLINE).user
    suggestion = services.suggestion_submit(agency=agency, text="Open on Sundays")
    with pytest.raises(NotAllowed):
        services.suggestion_moderate(
            actor=officer, suggestion=suggestion, decision="rejected", note="x"
        )


def test_moderation_page(client, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    suggestion = services.suggestion_submit(agency=agency, text="Longer hours please")
    client.login(username=qsm.user.username, password=TEST_PASSWORD)
    assert "Longer hours please" in client.get(reverse("surveys:suggestions")).content.decode()
    other = services.suggestion_submit(agency=agency, text="A water fountain in the hall")
    client.post(reverse("surveys:moderate", args=[suggestion.pk]), {"decision": "accepted"})
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    client.post(
        reverse("surveys:moderate", args=[other.pk]),
        {"decision": "rejected", "note": "Not now"},
    )
    other.refresh_from_db()
    assert other.status == "rejected"
