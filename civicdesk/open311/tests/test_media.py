"""Photos uploaded as `media` (multipart/form-data) with a POSTed request: stored on the case as
attachments under the web form's limits, in the same transaction as the case."""

import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.audit.models import AuditEntry
from civicdesk.cases.models import Case, CaseAttachment, MessageKind
from civicdesk.notify.models import OutboxMessage
from civicdesk.open311.models import Submission
from civicdesk.open311.tests.conftest import post_request

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(255, -1, -1)) * 8


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a throwaway folder, which the tests read to see what was written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def one_mb_limit(settings):
    settings.CIVICDESK_CASE_ATTACHMENT_MAX_BYTES = MB
    settings.CIVICDESK_CASE_ATTACHMENT_MAX_COUNT = 5


def photo(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def files_in(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314  (our own server's output)


def reference_of(response, fmt: str) -> str:
    if fmt == "json":
        return response.json()[0]["service_request_id"]
    return parse(response.content).findtext("request/service_request_id")


def errors_of(response, fmt: str) -> list[dict]:
    if fmt == "json":
        return response.json()
    return [
        {"code": int(e.findtext("code")), "description": e.findtext("description")}
        for e in parse(response.content).findall("error")
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_uploaded_photo_is_stored_on_the_case(client, media_root, api_key, severity, fmt):
    response = post_request(client, fmt=fmt, media=photo("leak.jpg", JPEG))
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=reference_of(response, fmt))
    (attachment,) = case.attachments.all()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "leak.jpg", "image/jpeg", len(JPEG),
    )  # fmt: skip
    with attachment.file.open("rb") as stored:
        assert stored.read() == JPEG
    assert files_in(media_root) == [media_root / attachment.file.name]
    # On the citizen's own first message, so it shows on their tracking page like a web upload.
    assert attachment.message.kind == MessageKind.FROM_CITIZEN
    assert attachment.message == case.messages.order_by("at", "pk").first()


def test_uploaded_photo_is_not_published_as_media_url(client, api_key, severity):
    """Case files are served only behind the citizen's tracking check or to staff, so the
    public GeoReport answer never links to them: media_url stays what the client gave."""
    plain = post_request(client, media=photo("leak.jpg", JPEG)).json()[0]
    linked = post_request(client, media=photo("leak.jpg", JPEG),
                          media_url="https://example.org/leak.jpg").json()[0]  # fmt: skip
    shown = client.get(f"/open311/v2/requests/{plain['service_request_id']}.json").json()[0]
    assert shown["media_url"] is None
    shown = client.get(f"/open311/v2/requests/{linked['service_request_id']}.json").json()[0]
    assert shown["media_url"] == "https://example.org/leak.jpg"
    listed = client.get("/open311/v2/requests.json").content.decode()
    for attachment in CaseAttachment.objects.all():
        assert attachment.file.name not in listed
    assert "/attachments/" not in listed


def test_several_photos_are_all_stored_in_order(client, api_key, severity):
    media = [photo("first.jpg", JPEG), photo("second.png", PNG, "image/png")]
    response = post_request(client, media=media)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()[0]["service_request_id"])
    stored = [(a.filename, a.content_type, a.file.read()) for a in case.attachments.all()]
    assert stored == [("first.jpg", "image/jpeg", JPEG), ("second.png", "image/png", PNG)]


def test_photo_at_the_size_limit_is_stored_whole(client, api_key, severity, one_mb_limit):
    content = JPEG + b"\x00" * (MB - len(JPEG))
    response = post_request(client, media=photo("big.jpg", content))
    assert response.status_code == 201, response.content
    attachment = CaseAttachment.objects.get()
    assert attachment.size == MB
    assert attachment.file.read() == content


def test_a_browser_blob_takes_the_extension_of_its_declared_type(client, api_key, severity):
    response = post_request(client, media=photo("blob", PNG, "image/png"))
    assert response.status_code == 201, response.content
    attachment = CaseAttachment.objects.get()
    assert (attachment.filename, attachment.content_type) == ("blob.png", "image/png")


def _too_many():
    return [photo(f"p{n}.jpg", JPEG) for n in range(6)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("media", "text"),
    [
        (lambda: photo("big.jpg", JPEG + b"\x00" * MB), "big.jpg must be smaller than 1 MB."),
        (lambda: photo("huge.jpg", JPEG + b"\x00" * (3 * MB)),
         "huge.jpg must be smaller than 1 MB."),
        (lambda: photo("report.docx", b"PK\x03\x04 a word file", "application/msword"),
         "report.docx must be a JPG, PNG, GIF, WEBP, PDF or TXT file."),
        (lambda: photo("blob", b"MZ\x90\x00", "application/x-msdownload"),
         "blob must be a JPG, PNG, GIF, WEBP, PDF or TXT file."),
        (lambda: photo("leak.jpg", PNG), "leak.jpg is not really a JPG file."),
        (lambda: photo("leak.png", b"<html>not an image</html>", "image/png"),
         "leak.png is not really a PNG file."),
        (lambda: photo("leak.jpg", b""), "leak.jpg is empty."),
        (lambda: [photo("good.jpg", JPEG), photo("bad.jpg", b"GIF89a")],
         "bad.jpg is not really a JPG file."),
        (_too_many, "Attach at most 5 files."),
        (lambda: "https://example.org/leak.jpg",
         "media must be a file upload (multipart/form-data); use media_url for a link."),
    ],
)  # fmt: skip
def test_refused_media_is_a_spec_error_and_stores_nothing(
    client, media_root, api_key, severity, one_mb_limit, fmt, media, text
):
    audit_before, outbox_before = AuditEntry.objects.count(), OutboxMessage.objects.count()
    response = post_request(client, fmt=fmt, media=media(), email="mei@example.org")
    assert response.status_code == 400, response.content
    assert errors_of(response, fmt) == [{"code": 400, "description": text}]
    assert Case.objects.count() == Submission.objects.count() == CaseAttachment.objects.count() == 0
    assert (AuditEntry.objects.count(), OutboxMessage.objects.count()) == (
        audit_before, outbox_before,
    )  # fmt: skip
    assert files_in(media_root) == []


def test_idempotency_key_with_a_photo_stores_it_once(client, media_root, api_key, severity):
    headers = {"Idempotency-Key": "photo-1"}
    first = post_request(client, headers=headers, media=photo("leak.jpg", JPEG))
    second = post_request(client, headers=headers, media=photo("leak.jpg", JPEG))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Case.objects.count() == Submission.objects.count() == CaseAttachment.objects.count() == 1
    assert len(files_in(media_root)) == 1


def test_a_refused_photo_does_not_use_up_the_idempotency_key(
    client, api_key, severity, one_mb_limit
):
    headers = {"Idempotency-Key": "photo-2"}
    refused = post_request(client, headers=headers, media=photo("big.jpg", JPEG + b"\x00" * MB))
    assert refused.status_code == 400
    retried = post_request(client, headers=headers, media=photo("small.jpg", JPEG))
    assert retried.status_code == 201, retried.content
    assert CaseAttachment.objects.get().filename == "small.jpg"
