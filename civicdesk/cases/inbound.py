"""Inbound email: one raw RFC 822 message in, a new case or a reply on an existing one out.

Used by `civicdesk cases_fetch_mail` (Maildir or mbox) and POST /api/v1/cases/inbound-email.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.utils.translation import gettext as _

from civicdesk.cases.models import Case, CaseMessage, IntakeChannel, Kind
from civicdesk.cases.selectors import REFERENCE_RE, case_find_for_citizen, case_merged_root
from civicdesk.cases.services import AttachmentIn, case_citizen_add, case_create
from civicdesk.cases.services.intake import name_without_controls
from civicdesk.core.errors import Conflict, ValidationFailed
from civicdesk.organisations.models import Agency

MAX_RAW_BYTES = 30 * 1024 * 1024
MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")


@dataclass
class InboundResult:
    case: Case
    created: bool  # a new case (False: added to an existing case, or already seen)
    duplicate: bool  # this Message-ID was already processed


def _parse(raw: bytes) -> EmailMessage:
    if not raw or len(raw) > MAX_RAW_BYTES:
        raise ValidationFailed(_("The email is empty or too large."), code="email_size")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; anything it still rejects is malformed
        raise ValidationFailed(_("That is not a readable email."), code="email_malformed") from exc
    if message.defects and not message.get("From"):
        raise ValidationFailed(_("That is not a readable email."), code="email_malformed")
    _name, sender = parseaddr(str(message.get("From", "")))
    if "@" not in sender:
        raise ValidationFailed(_("The email has no sender address."), code="email_from")
    return message


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeError):
        text = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    # Drop the quoted history of a reply: the case already holds it.
    kept = []
    for line in text.splitlines():
        if line.startswith(">"):
            continue
        if re.match(r"^On .+ wrote:$", line.strip()):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _attachments(message: EmailMessage) -> list[AttachmentIn]:
    items = []
    for part in message.iter_attachments():
        filename = part.get_filename()
        if not filename:
            continue
        content = part.get_payload(decode=True) or b""
        items.append(AttachmentIn(filename=filename, content=content))
    return items


def _thread_case(message: EmailMessage, sender: str) -> Case | None:
    ids = MESSAGE_ID_RE.findall(f"{message.get('In-Reply-To', '')} {message.get('References', '')}")
    if ids:
        known = (
            CaseMessage.objects.filter(email_message_id__in=ids)
            .select_related("case")
            .order_by("-at")
            .first()
        )
        if known is not None:
            # A message moved by a merge belongs to the case it was written under: a reply to it
            # is that citizen's, not the citizen's of the case it joined.
            if known.original_reference and known.original_reference != known.case.reference:
                own = Case.objects.filter(reference=known.original_reference).first()
                if own is not None:
                    return own
            return known.case
    match = REFERENCE_RE.search(str(message.get("Subject", "")).upper())
    if match:
        # A reference in the subject alone is guessable: it must come from the case's citizen
        # (or, for a kept case's reference, from the citizen of a case merged into it).
        return case_find_for_citizen(reference=match.group(1), contact=sender)
    return None


def _agency_for(message: EmailMessage, default: Agency | None) -> Agency:
    recipients = [
        addr.lower()
        for _n, addr in getaddresses(message.get_all("To", []) + message.get_all("Cc", []))
    ]
    agency = (
        Agency.objects.filter(email__in=recipients, is_active=True).first() if recipients else None
    )
    if agency is None:
        agency = default
    if agency is None:
        raise ValidationFailed(_("The email is not addressed to any agency."), code="email_to")
    return agency


def _automatic(message: EmailMessage) -> bool:
    """An out-of-office or other automatic answer (RFC 3834 Auto-Submitted, or the older
    headers mail systems still send): nobody wrote it."""
    auto = str(message.get("Auto-Submitted", "")).split(";")[0].strip().lower()
    if auto and auto != "no":
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return True
    return str(message.get("Precedence", "")).strip().lower() in ("auto_reply", "bulk", "junk")


def inbound_email_accept(*, raw: bytes, default_agency: Agency | None = None) -> InboundResult:
    message = _parse(raw)
    _name, sender = parseaddr(str(message["From"]))
    sender = sender.lower()
    message_id = (MESSAGE_ID_RE.findall(str(message.get("Message-ID", ""))) or [None])[0]
    if message_id:
        seen = (
            CaseMessage.objects.filter(email_message_id=message_id).select_related("case").first()
        )
        if seen is not None:
            return InboundResult(case=seen.case, created=False, duplicate=True)
    body = _body(message)
    attachments = _attachments(message)
    thread = _thread_case(message, sender)
    if thread is not None:
        if _automatic(message) and not case_merged_root(thread).is_open:
            # An out-of-office answer to our reply: a finished case stays finished (a citizen
            # writing would reopen it) and no new case starts from a closed one.
            return InboundResult(case=thread, created=False, duplicate=False)
        try:
            case_citizen_add(
                case=thread,
                body=body or _("(The email had no text.)"),
                attachments=attachments,
                email_message_id=message_id,
                channel=IntakeChannel.EMAIL,
            )
        except Conflict as exc:
            if exc.code != "case_closed":
                raise
            # Finished and past reopening: the email starts a new case, as the tracking page
            # asks; its subject keeps the old reference for the officer.
        else:
            return InboundResult(case=thread, created=False, duplicate=False)
    agency = _agency_for(message, default_agency)
    name, _addr = parseaddr(str(message["From"]))
    subject = str(message.get("Subject", "")).strip()[:200]
    case = case_create(
        agency=agency,
        kind=Kind.ENQUIRY,
        channel=IntakeChannel.EMAIL,
        subject=subject,
        description=body or subject or _("(The email had no text.)"),
        contact_name=name_without_controls(name)[:200],  # a sender's name is tidied, not refused
        contact_email=sender,
        attachments=attachments,
        email_message_id=message_id,
        language=_language_of(body or subject),
    )
    return InboundResult(case=case, created=case.created, duplicate=not case.created)


def _language_of(text: str) -> str:
    return "zh-hant" if re.search(r"[\u4e00-\u9fff]", text or "") else "en"
