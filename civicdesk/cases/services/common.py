"""Helpers the case services share: permissions, audit, attachments, notices to the citizen."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override, pgettext

from civicdesk.cases.models import Case, CaseAttachment, CaseMessage, MessageKind
from civicdesk.core.clock import now
from civicdesk.core.errors import NotAllowed, ValidationFailed
from civicdesk.notify.services import notify_enqueue
from civicdesk.organisations.permissions import Access, Area, Scope, Target, require, scope_for

ALLOWED_TYPES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
    "text/plain": (),
}
EXTENSIONS = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "txt": "text/plain",
}


# Notes the system writes in a case's history (actor "system"), stored in the site's language
# (LANGUAGE_CODE), as staff of any language read the same history: each is shown in the
# reader's language (`history_shown`), those stored before this list existed too.
NOTE_CITIZEN_REPLIED = gettext_noop("The citizen replied.")
NOTE_CITIZEN_WROTE_AFTER_RESOLVED = gettext_noop("The citizen wrote after the case was resolved.")
SYSTEM_NOTES = (NOTE_CITIZEN_REPLIED, NOTE_CITIZEN_WROTE_AFTER_RESOLVED)
SYSTEM_ACTOR = "system"  # CaseEvent.actor_label of what no person did (workflows._label)


@cache
def _system_notes_by_text() -> dict[str, str]:
    """Each system note as stored in any language of the site, to its message id."""
    known = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            known.update({_(note): note for note in SYSTEM_NOTES})
    return known


def history_shown(event) -> tuple[str, str]:
    """Who did it and the note of a history event, as the reader reads them: "system" and the
    system's own notes in her language; a person's name and words as they were written."""
    if event.actor_label != SYSTEM_ACTOR:
        return event.actor_label, event.text
    note = _system_notes_by_text().get(event.text)
    return pgettext("case history", "system"), _(note) if note else event.text


def max_attachment_bytes() -> int:
    return getattr(settings, "CIVICDESK_CASE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def max_attachments() -> int:
    return getattr(settings, "CIVICDESK_CASE_ATTACHMENT_MAX_COUNT", 5)


@dataclass(frozen=True)
class AttachmentIn:
    filename: str
    content: bytes


def attachment_check(item: AttachmentIn) -> str:
    """The content type of a valid attachment, or ValidationFailed saying what to change."""
    name = (item.filename or "").strip().replace("/", "_").replace("\\", "_")[-150:]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = EXTENSIONS.get(extension)
    limit_mb = max_attachment_bytes() // (1024 * 1024)
    if content_type is None:
        raise ValidationFailed(
            _("%(name)s must be a JPG, PNG, GIF, WEBP, PDF or TXT file.") % {"name": name or "?"},
            code="attachment_type",
        )
    if len(item.content) == 0:
        raise ValidationFailed(_("%(name)s is empty.") % {"name": name}, code="attachment_empty")
    if len(item.content) > max_attachment_bytes():
        raise ValidationFailed(
            _("%(name)s must be smaller than %(mb)s MB.") % {"name": name, "mb": limit_mb},
            code="attachment_size",
        )
    magic = ALLOWED_TYPES[content_type]
    if magic and not any(item.content.startswith(m) for m in magic):
        raise ValidationFailed(
            _("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension.upper()},
            code="attachment_type",
        )
    if content_type == "text/plain":
        try:
            item.content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(
                _("%(name)s is not a readable text file.") % {"name": name},
                code="attachment_type",
            ) from exc
    return content_type


def attachments_check(items: list[AttachmentIn]) -> list[tuple[AttachmentIn, str]]:
    if len(items) > max_attachments():
        raise ValidationFailed(
            _("Attach at most %(n)s files.") % {"n": max_attachments()}, code="attachment_count"
        )
    return [(item, attachment_check(item)) for item in items]


def attachments_save(
    *, case: Case, message: CaseMessage | None, checked: list[tuple[AttachmentIn, str]]
) -> list[CaseAttachment]:
    saved = []
    for item, content_type in checked:
        name = item.filename.strip().replace("/", "_").replace("\\", "_")[-150:]
        attachment = CaseAttachment(
            case=case,
            message=message,
            filename=name,
            content_type=content_type,
            size=len(item.content),
            at=now(),
        )
        attachment.file.save(f"{uuid.uuid4().hex}-{name}", ContentFile(item.content), save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def require_case(actor, case: Case, access: Access = Access.WRITE) -> None:
    if case.department_id is None and _triage_allowed(actor, case, access):
        return
    require(
        actor,
        Area.CASES,
        access,
        Target(
            agency_id=case.agency_id,
            department_id=case.department_id,
            site_id=case.site_id,
            staff_id=case.assignee_id,
        ),
    )


def _triage_allowed(actor, case: Case, access: Access) -> bool:
    """A case no department holds yet (no category, or just transferred in) is open to every
    officer of its agency, so that someone can route it: no case waits unseen."""
    if scope_for(actor, Area.CASES, access) is not Scope.UNIT:
        return False
    return actor.staff_profile.agency_id == case.agency_id


def require_agency_intake(actor, agency) -> None:
    """Anyone who may write cases in an agency may log a contact for it (no wrong door)."""
    scope = scope_for(actor, Area.CASES, Access.WRITE)
    if scope is Scope.NONE:
        raise NotAllowed(_("Your role does not allow this."))
    if scope is not Scope.ALL and actor.staff_profile.agency_id != agency.id:
        raise NotAllowed(_("You can only log cases for your own agency."))


def public_url(path: str) -> str:
    base = getattr(settings, "CIVICDESK_PUBLIC_URL", "http://localhost:8000").rstrip("/")
    return f"{base}{path}"


def outbound_message_id(case: Case) -> str:
    domain = getattr(settings, "CIVICDESK_CASE_MAIL_DOMAIN", "cases.civicdesk.local")
    return f"<{case.reference}.{uuid.uuid4().hex[:16]}@{domain}>"


def tell_citizen(
    *,
    case: Case,
    body: str,
    subject: str,
    author=None,
    author_label: str = "",
    kind: str = MessageKind.TO_CITIZEN,
    dedupe_key: str | None = None,
    asks_citizen: bool = False,
) -> CaseMessage:
    """Store a message to the citizen on the case, and send it by email (or SMS) via the outbox.
    `asks_citizen`: the message asks her something and the case waits for her; the email says
    where to answer."""
    message_id = outbound_message_id(case) if case.contact_email else None
    message = CaseMessage.objects.create(
        case=case,
        kind=kind,
        body=body,
        author=author if author is not None and getattr(author, "pk", None) else None,
        author_label=author_label or case.agency.name,
        at=now(),
        email_message_id=message_id,
    )
    # A merged case is followed under the case it joined (its citizen's own email or phone
    # finds their part there): the footer says so, as the merge notice does.
    followed = case.merged_into.reference if case.merged_into_id else case.reference
    with override(case.language):
        tracking = public_url(f"/cases/track/?reference={followed}")
        footer = _("Your reference is %(ref)s. Follow your case at %(url)s") % {
            "ref": followed,
            "url": tracking,
        }
        if asks_citizen:
            waiting = _("We are waiting for your answer to go on with your case. Give it on your case page, with any photos or documents, at the link below.")  # fmt: skip
            footer = f"{waiting}\n\n{footer}"
    full_subject = f"[{case.reference}] {subject}"
    with override(case.language):
        # A text message: the subject, then the footer, joined as her language writes it.
        sms_text = _("%(subject)s. %(footer)s") % {"subject": full_subject, "footer": footer}
    if case.contact_email:
        headers = {"Message-ID": message_id}
        if case.agency.email:
            headers["Reply-To"] = case.agency.email
        notify_enqueue(
            channel="email",
            to=case.contact_email,
            subject=full_subject,
            body=f"{body}\n\n{footer}",
            headers=headers,
            dedupe_key=dedupe_key,
            agency=case.agency,
            related=case,
        )
    elif case.contact_phone:
        notify_enqueue(
            channel="sms",
            to=case.contact_phone,
            body=sms_text[:480],
            dedupe_key=dedupe_key,
            agency=case.agency,
            related=case,
        )
    return message


PHONE_CHARACTERS = re.compile(r"\+?[0-9 ().-]+")


def phone_is_valid(phone: str) -> bool:
    """A number we can text and that finds the case on the tracking page (which matches its
    last 8 digits): 8 to 15 digits, written with spaces, dashes, dots or brackets at most."""
    phone = (phone or "").strip()
    digits = sum(ch.isdigit() for ch in phone)
    return bool(PHONE_CHARACTERS.fullmatch(phone)) and 8 <= digits <= 15
