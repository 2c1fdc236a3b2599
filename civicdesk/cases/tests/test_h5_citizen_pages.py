"""What a citizen notices on the public form, the tracking page and the emails we send her:
files she chose are asked for again when the form comes back, a phone is told which files
we take, and the emails say who holds her case and when they will reply."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.cases.models import Case
from civicdesk.cases.services import case_create, case_transfer
from civicdesk.cases.tests.factories import JPEG
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
PDF = b"%PDF-1.4\n%%EOF\n"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def _report(client, **overrides):
    data = {
        "form_token": "tok-h5",
        "topic": "HSG:leak",
        "kind": "complaint",
        "description": "天花板漏水",
        "contact_email": "chan@example.org",
        "attachments": [SimpleUploadedFile("ceiling.jpg", JPEG, content_type="image/jpeg")],
    }
    data.update(overrides)
    return client.post("/cases/new/", data)


def _summary(body: str) -> str:
    return body.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]


def test_files_she_chose_are_asked_for_again_when_another_field_is_wrong(client, monday, leak):
    response = _report(
        client,
        description="",
        attachments=[
            SimpleUploadedFile("ceiling.jpg", JPEG, content_type="image/jpeg"),
            SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
        ],
    )
    body = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 0
    again = "Attach your files again: ceiling.jpg, letter.pdf."
    # In the summary (linked to the file field) and at the field itself.
    assert again in _summary(body) and 'href="#id_attachments"' in _summary(body)
    field = body.split('for="id_attachments"', 1)[1]
    assert again in field.split("<input", 1)[0]
    assert 'aria-describedby="id_attachments-hint id_attachments-error"' in body
    assert "govuk-file-upload--error" in body


def test_no_file_is_asked_for_again_when_she_chose_none(client, monday, leak):
    body = _report(client, description="", attachments=[]).content.decode()
    assert "Attach your files again" not in body


def test_every_refused_file_is_named_and_only_the_good_ones_asked_again(client, monday, leak):
    response = _report(
        client,
        attachments=[
            SimpleUploadedFile("IMG_2042.HEIC", HEIC, content_type="image/heic"),
            SimpleUploadedFile("ceiling.jpg", JPEG, content_type="image/jpeg"),
            SimpleUploadedFile("notes.docx", b"PK\x03\x04", content_type="application/zip"),
        ],
    )
    summary = _summary(response.content.decode())
    assert "IMG_2042.HEIC is a HEIC photo, which we cannot open." in summary
    assert "notes.docx must be a JPG, PNG, GIF, WEBP, PDF or TXT file." in summary
    assert "Attach your files again: ceiling.jpg." in summary
    # One error message element per field: the ids aria-describedby points at stay unique.
    assert response.content.decode().count('id="id_attachments-error"') == 1
    assert Case.objects.count() == 0


def test_the_file_field_tells_the_phone_which_files_we_take(client, leak):
    body = client.get("/cases/new/").content.decode()
    accept = re.search(r'<input type="file" name="attachments"[^>]*accept="([^"]+)"', body)
    assert accept, "the file field names the types we take"
    types = accept.group(1).split(",")
    # An iPhone then sends its HEIC photos as JPG.
    assert {"image/jpeg", ".jpg", ".pdf", "application/pdf"} <= set(types)
    assert not any("heic" in t for t in types)


def test_tracking_page_asks_for_files_again_when_the_message_is_missing(client, monday, leak):
    assert _report(client).status_code == 302
    case = Case.objects.get()
    response = client.post(
        f"/cases/track/{case.reference}/",
        {"body": "", "attachments": [SimpleUploadedFile("more.jpg", JPEG)]},
    )
    body = response.content.decode()
    assert "Write what you want to add." in body
    assert "Attach your files again: more.jpg." in _summary(body)
    assert case.messages.count() == 2  # hers and the acknowledgement: nothing added


def test_acknowledgement_says_which_agency_has_her_case_in_her_language(monday, leak):
    leak.agency.names = {"zh-hant": "海港城房屋委員會"}
    leak.agency.save()
    case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                description="天花板漏水", contact_email="chan@example.org",
                language="zh-hant")  # fmt: skip
    email = OutboxMessage.objects.get(to="chan@example.org")
    assert "海港城房屋委員會正處理您的個案。" in email.body


def test_transfer_email_gives_the_new_reply_date_and_chinese_sentences_run_on(
    monday, leak, officer
):
    environment = AgencyFactory(code="ENV", name="Environment Agency",
                                email="enquiries@env.example")  # fmt: skip
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="塌樹", contact_email="tree@example.org",
                       language="zh-hant")  # fmt: skip
    case_transfer(case=case, actor=officer.user, to_agency=environment, reason="Trees")
    case.refresh_from_db()
    email = OutboxMessage.objects.filter(to="tree@example.org").latest("pk")
    due = case.reply_due_at.astimezone(HK)
    assert f"{due.year}年{due.month}月{due.day}日" in email.body
    first_paragraph = email.body.split("\n\n", 1)[0]
    assert "enquiries@env.example" in first_paragraph
    assert "。 " not in first_paragraph  # Chinese puts no space after its full stop


def test_transfer_email_in_english_keeps_its_spaces(monday, leak, officer):
    environment = AgencyFactory(code="ENV", name="Environment Agency",
                                email="enquiries@env.example")  # fmt: skip
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Tree fell", contact_email="tree@example.org")  # fmt: skip
    case_transfer(case=case, actor=officer.user, to_agency=environment, reason="Trees")
    case.refresh_from_db()
    email = OutboxMessage.objects.filter(to="tree@example.org").latest("pk")
    day = case.reply_due_at.astimezone(HK).day
    assert f"write again. They will reply by {day} " in email.body
    assert ". Their contact: enquiries@env.example." in email.body


def test_a_question_to_her_says_where_to_answer(monday, leak, officer):
    from civicdesk.cases.services import case_reply

    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Leak", contact_email="chan@example.org")  # fmt: skip
    case_reply(case=case, actor=officer.user, body="Where exactly is the leak?",
               then_status="awaiting_citizen")  # fmt: skip
    question = OutboxMessage.objects.filter(to="chan@example.org").latest("pk").body
    assert question.startswith("Where exactly is the leak?\n\nWe are waiting for your answer")
    assert f"/cases/track/?reference={case.reference}" in question
    # Only the email says it: the tracking page shows her the form beside the question.
    assert "waiting for your answer" not in case.messages.latest("pk").body
    case_reply(case=case, actor=officer.user, body="Fixed.", then_status="resolved")
    answer = OutboxMessage.objects.filter(to="chan@example.org").latest("pk").body
    assert "waiting for your answer" not in answer


def test_confirmation_in_chinese_has_no_space_between_sentences(client, monday, leak):
    leak.agency.names = {"zh-hant": "海港城房屋委員會"}
    leak.agency.save()
    client.get("/language/zh-hant/?next=/cases/new/")
    response = _report(client, attachments=[])
    body = client.get(response["Location"]).content.decode()
    assert "海港城房屋委員會正處理您的個案。" in body
    # Each sentence ends its paragraph: no "。 我們…" run-on with a stray space.
    assert not re.search(r"個案。\s+我們會於", body)
