"""Citizen and staff pages through Django's test client (the browser test covers journey 1)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.cases.models import Case, CaseStatus, TrackAttempt
from civicdesk.cases.services import case_create, case_reply
from civicdesk.cases.tests.factories import JPEG, CategoryFactory
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _report(client, **overrides):
    data = {
        "form_token": "tok-1",
        "topic": "HSG:leak",
        "kind": "complaint",
        "description": "天花板漏水",
        "address": "Block C",
        "contact_email": "chan@example.org",
        "attachments": [SimpleUploadedFile("ceiling.jpg", JPEG, content_type="image/jpeg")],
    }
    data.update(overrides)
    return client.post("/cases/new/", data)


def test_public_form_creates_case_and_confirms_reference(client, monday, leak):
    page = client.get("/cases/new/")
    assert page.status_code == 200 and "HSG:leak" in page.content.decode()
    response = _report(client)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/new/{case.reference}/"
    confirmation = client.get(response["Location"])
    assert case.reference in confirmation.content.decode()
    assert case.attachments.count() == 1 and case.channel == "web"
    assert OutboxMessage.objects.filter(to="chan@example.org").count() == 1
    # The same form posted again (a double click) is the same case.
    again = _report(client, attachments=[])
    assert again.status_code == 302 and Case.objects.count() == 1


def test_public_form_errors_are_actionable(client, monday, leak):
    response = _report(client, description="", topic="",
                       attachments=[SimpleUploadedFile("x.exe", b"MZ")])  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Tell us what happened." in body and "Choose what it is about." in body
    assert "must be a JPG, PNG, GIF, WEBP, PDF or TXT file" in body
    assert Case.objects.count() == 0


def test_confirmation_is_not_visible_to_another_browser(client, monday, leak):
    case = case_create(agency=leak.agency, kind="complaint", channel="web", description="x",
                       contact_email="chan@example.org")  # fmt: skip
    # It is sent to the tracking form, to prove the contact: nothing of the case is shown.
    for url in (f"/cases/new/{case.reference}/", f"/cases/track/{case.reference}/"):
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer["Location"] == f"/cases/track/?reference={case.reference}"


def test_tracking_shows_replies_and_citizen_adds_detail_restarting_clock(
    client, monday, leak, officer
):
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Leak", contact_email="chan@example.org")  # fmt: skip
    case_reply(
        case=case, actor=officer.user, body="Which flat is it?", then_status="awaiting_citizen"
    )
    note_text = "internal only"
    from civicdesk.cases.services import case_note_add

    case_note_add(case=case, actor=officer.user, body=note_text)
    response = client.post(
        "/cases/track/", {"reference": case.reference.lower(), "contact": "CHAN@example.org"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Which flat is it?" in page and note_text not in page
    added = client.post(response["Location"], {"body": "Flat 12A"})
    assert added.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.paused_at is None


def test_guessing_references_is_throttled(client, monday, leak, settings):
    settings.CIVICDESK_CASE_TRACK_ATTEMPTS_PER_HOUR = 3
    case = case_create(agency=leak.agency, kind="complaint", channel="web", description="x",
                       contact_email="chan@example.org")  # fmt: skip
    for n in range(3):
        wrong = client.post(
            "/cases/track/", {"reference": f"HSG-2026-00000{n + 2}", "contact": "chan@example.org"}
        )
        assert wrong.status_code == 200 and "could not find" in wrong.content.decode()
    # Even the right answer is refused while limited: guessing gains nothing.
    right = client.post(
        "/cases/track/", {"reference": case.reference, "contact": "chan@example.org"}
    )
    assert right.status_code == 429
    assert TrackAttempt.objects.count() == 3


def test_staff_queue_filters_and_query_count(
    client, monday, leak, officer, django_assert_max_num_queries
):
    for i in range(12):
        case_create(agency=leak.agency, category=leak, kind="complaint", channel="phone",
                    description=f"Leak number {i}", contact_phone=f"9123 45{i:02d}")  # fmt: skip
    client.force_login(officer.user)
    client.get("/cases/staff/")  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get("/cases/staff/?status=open&q=number")
    assert response.status_code == 200
    assert response.content.decode().count('href="/cases/staff/HSG-') == 12
    searched = client.get("/cases/staff/?q=number+7").content.decode()
    assert searched.count('href="/cases/staff/HSG-') == 1


def test_case_page_actions_reply_and_transfer(client, monday, leak, officer):
    env = AgencyFactory(code="ENV", name="Environment")
    trees = CategoryFactory(agency=env, code="tree")
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Fallen tree", contact_email="res@example.org")  # fmt: skip
    client.force_login(officer.user)
    page = client.get(f"/cases/staff/{case.reference}/")
    assert page.status_code == 200 and "Reply by" in page.content.decode()
    empty = client.post(f"/cases/staff/{case.reference}/reply/", {"body": ""})
    assert empty.status_code == 422 and "Write the reply." in empty.content.decode()
    sent = client.post(
        f"/cases/staff/{case.reference}/reply/", {"body": "We are looking", "then_status": ""}
    )
    assert sent.status_code == 302
    moved = client.post(f"/cases/staff/{case.reference}/transfer/",
                        {"to_agency": env.pk, "category": trees.pk, "reason": "Trees are ENV's"})  # fmt: skip
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.agency == env and case.category == trees
    # The officer who sent it keeps read-only sight of it.
    history = client.get(f"/cases/staff/{case.reference}/").content.decode()
    assert "You can read this case but not change it." in history


def test_not_a_duplicate_from_the_case_page(client, monday, leak, officer):
    first = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                        description="Leak in the kitchen", contact_email="a@example.org")  # fmt: skip
    second = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                         description="Broken window", contact_email="a@example.org")  # fmt: skip
    client.force_login(officer.user)
    page = client.get(f"/cases/staff/{second.reference}/").content.decode()
    assert "Possible duplicate of" in page and 'data-testid="action-not_duplicate"' in page
    long = client.post(f"/cases/staff/{second.reference}/not_duplicate/", {"reason": "x" * 501})
    assert long.status_code == 422
    second.refresh_from_db()
    assert second.possible_duplicate_of == first
    done = client.post(f"/cases/staff/{second.reference}/not_duplicate/", {"reason": "A window"})
    assert done.status_code == 302
    second.refresh_from_db()
    assert second.possible_duplicate_of is None
    page = client.get(f"/cases/staff/{second.reference}/").content.decode()
    assert "Possible duplicate of" not in page and "action-not_duplicate" not in page


def test_assisted_mode_logs_phone_contact(client, monday, leak, officer):
    client.force_login(officer.user)
    assert client.get("/cases/staff/new/").status_code == 200
    response = client.post("/cases/staff/new/", {
        "channel": "phone", "topic": "HSG:leak", "kind": "enquiry", "description": "Caller reports leak",
        "language": "en", "priority": "3", "contact_phone": "+852 9123 4567",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.channel == "phone" and case.priority == 3
    assert re.search(r"HSG-\d{4}-\d{6}", response["Location"])


def test_qsm_dashboard_lists_and_is_hidden_from_frontline(client, monday, leak, officer, qsm):
    client.force_login(officer.user)
    assert client.get("/cases/staff/dashboard/").status_code == 403
    client.force_login(qsm.user)
    assert client.get("/cases/staff/dashboard/").status_code == 200


def test_staff_without_cases_area_gets_404(client, agency):
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    client.force_login(trainer.user)
    assert client.get("/cases/staff/").status_code == 404


def test_staff_download_attachment_only_within_scope(client, monday, leak, officer, other_agency):
    client_public = client
    _report(client_public)
    case = Case.objects.get()
    item = case.attachments.get()
    url = f"/cases/staff/{case.reference}/attachments/{item.pk}/"
    client.force_login(officer.user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(
        b"\xff\xd8"
    )
    assert "ceiling.jpg" in response["Content-Disposition"]
    client.force_login(StaffFactory(agency=other_agency, role=Role.QSM).user)
    assert client.get(url).status_code == 404


def test_citizen_downloads_their_files_from_the_tracking_page_only(client, monday, leak, officer):
    from django.core.files.base import ContentFile
    from django.test import Client

    from civicdesk.cases.models import CaseAttachment, CaseMessage, MessageKind
    from civicdesk.cases.services import case_note_add

    _report(client)  # the browser that filed the case may track it
    case = Case.objects.get()
    item = case.attachments.get()
    page = client.get(f"/cases/track/{case.reference}/").content.decode()
    url = f"/cases/track/{case.reference}/attachments/{item.pk}/"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Another browser that has not proved the reference and contact sees nothing.
    elsewhere = Client().get(url)
    assert elsewhere.status_code == 302 and elsewhere["Location"].startswith("/cases/track/?")
    # A file on an internal note is never served to the citizen.
    note = case_note_add(case=case, actor=officer.user, body="Photo from the site visit")
    assert isinstance(note, CaseMessage) and note.kind == MessageKind.NOTE
    internal = CaseAttachment.objects.create(
        case=case, message=note, file=ContentFile(b"secret", name="inside.txt"),
        filename="inside.txt", content_type="text/plain", size=6,
    )  # fmt: skip
    assert (
        client.get(f"/cases/track/{case.reference}/attachments/{internal.pk}/").status_code == 404
    )


def test_merging_into_another_agencys_case_says_how(client, monday, leak, qsm, other_agency):
    """The other agency's case is not shown (not even that it exists): the page says what to
    do if another agency holds it, and nothing is merged."""
    elsewhere = CategoryFactory(agency=other_agency, code="tree")
    theirs = case_create(agency=other_agency, category=elsewhere, kind="complaint", channel="web",
                         description="Leak seen from the street")  # fmt: skip
    ours = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Leak in the kitchen")  # fmt: skip
    client.force_login(qsm.user)
    answer = client.post(f"/cases/staff/{ours.reference}/merge/", {"into": theirs.reference})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert f"There is no case {theirs.reference} among those you can see" in page
    said = page[page.index("There is no case") : page.index("into theirs.")]
    assert "transfer this case to that agency" in said and other_agency.name not in said
    ours.refresh_from_db()
    assert ours.merged_into is None and ours.status != CaseStatus.CLOSED
