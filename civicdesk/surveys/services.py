"""Writes for surveys: definitions, invitations, answers and suggestions.

Entry points other apps call (see README "Surveys"):
- `survey_invite(...)` when a queue ticket is finished or a case is closed;
- `invitation_qr_svg(invitation)` to show the same link as a QR code;
- `suggestion_to_case(suggestion, actor=...)` is the one bridge to the cases app.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import segno
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.core.clock import now
from civicdesk.core.errors import NotFound, ValidationFailed
from civicdesk.core.zones import local_time
from civicdesk.notify.services import notify_enqueue
from civicdesk.organisations.permissions import Access, Area, Target, require
from civicdesk.surveys import defaults
from civicdesk.surveys.errors import (
    CasesUnavailable,
    InvitationExpired,
    InvitationUnknown,
    InvitationUsed,
)
from civicdesk.surveys.models import (
    MAX_QUESTIONS,
    SCALES,
    Answer,
    Delivery,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Source,
    Suggestion,
    SuggestionStatus,
    Survey,
    SurveyPolicy,
    SurveyVersion,
)
from civicdesk.surveys.workflows import suggestion_set_status

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
_sampler = secrets.SystemRandom()


# --- policy and definitions ------------------------------------------------------------------
def survey_policy_for(agency) -> SurveyPolicy:
    policy, _created = SurveyPolicy.objects.get_or_create(agency=agency)
    return policy


@transaction.atomic
def survey_policy_update(*, actor, agency, **fields) -> SurveyPolicy:
    require(actor, Area.SURVEYS, Access.WRITE, Target(agency_id=agency.pk))
    policy = survey_policy_for(agency)
    allowed = {"sampling_rate", "quiet_days", "link_valid_days", "show_officer_names"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown setting: %(names)s.") % {"names": ", ".join(unknown)})
    for name, value in fields.items():
        setattr(policy, name, value)
    rate = Decimal(str(policy.sampling_rate))
    if not Decimal(0) <= rate <= Decimal(1):
        raise ValidationFailed(_("The share of visits invited must be between 0 and 1."))
    if int(policy.link_valid_days) < 1:
        raise ValidationFailed(_("A link must work for at least one day."))
    policy.save()
    audit_record(
        actor=actor,
        action="survey.policy_update",
        target=policy,
        agency=agency,
        data={k: str(v) for k, v in fields.items()},
    )
    return policy


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    kind: str
    text: dict
    required: bool = False
    labels: dict | None = None
    choices: list | None = None


def _clean_questions(questions: list[dict | QuestionSpec]) -> list[QuestionSpec]:
    specs = [q if isinstance(q, QuestionSpec) else QuestionSpec(**q) for q in questions]
    if not specs:
        raise ValidationFailed(_("A survey needs at least one question."))
    if len(specs) > MAX_QUESTIONS:
        raise ValidationFailed(
            _("A survey may have at most %(max)d questions; this one has %(n)d.")
            % {"max": MAX_QUESTIONS, "n": len(specs)}
        )
    seen: set[str] = set()
    for spec in specs:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", spec.key or ""):
            raise ValidationFailed(
                _("Question key %(key)r must be lower-case letters, digits and _.")
                % {"key": spec.key}
            )
        if spec.key in seen:
            raise ValidationFailed(_("Question key %(key)s is used twice.") % {"key": spec.key})
        seen.add(spec.key)
        if spec.kind not in QuestionKind.values:
            raise ValidationFailed(_("Unknown question kind %(kind)s.") % {"kind": spec.kind})
        if not isinstance(spec.text, dict) or not str(spec.text.get("en", "")).strip():
            raise ValidationFailed(_("Question %(key)s needs an English text.") % {"key": spec.key})
        if set(spec.text) - set(LANGUAGE_CODES):
            raise ValidationFailed(
                _("Question %(key)s has a text in a language civicdesk does not serve.")
                % {"key": spec.key}
            )
        if spec.kind == QuestionKind.CHOICE and len(spec.choices or []) < 2:
            raise ValidationFailed(
                _("Question %(key)s needs at least two choices.") % {"key": spec.key}
            )
    return specs


@transaction.atomic
def survey_publish(
    *,
    actor,
    survey: Survey,
    questions: list[dict | QuestionSpec],
    title: dict | None = None,
    intro: dict | None = None,
) -> SurveyVersion:
    """Publish a new version. Earlier versions, and the answers given to them, stay unchanged."""
    if actor is not None:
        require(actor, Area.SURVEYS, Access.WRITE, Target(agency_id=survey.agency_id))
    specs = _clean_questions(questions)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    previous = survey.current_version
    number = (survey.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = SurveyVersion.objects.create(
        survey=survey,
        number=number,
        title=title if title is not None else (previous.title if previous else defaults.TITLE),
        intro=intro if intro is not None else (previous.intro if previous else defaults.INTRO),
        published_at=now(),
        published_by=actor if actor is not None and actor.pk else None,
    )
    Question.objects.bulk_create(
        Question(
            version=version,
            position=position,
            key=spec.key,
            kind=spec.kind,
            text={k: v.strip() for k, v in spec.text.items() if str(v).strip()},
            required=spec.required,
            labels=spec.labels or {},
            choices=spec.choices or [],
        )
        for position, spec in enumerate(specs, start=1)
    )
    survey.current_version = version
    survey.save(update_fields=["current_version", "updated_at"])
    audit_record(
        actor=actor,
        action="survey.publish",
        target=survey,
        agency=survey.agency,
        data={"version": number, "questions": [s.key for s in specs]},
    )
    return version


def survey_create_default(*, agency, actor=None) -> Survey:
    """The agency's default survey (A-11 §280 + CSAT/NPS/CES); returns the existing one if any
    (with its current version: every invitation reads it)."""
    existing = (
        Survey.objects.select_related("current_version")
        .filter(agency=agency, is_default=True)
        .first()
    )
    if existing is not None:
        return existing
    return _survey_create_default(agency=agency, actor=actor)


@transaction.atomic
def _survey_create_default(*, agency, actor) -> Survey:
    existing = Survey.objects.filter(agency=agency, is_default=True).first()
    if existing is not None:
        return existing
    survey = Survey.objects.create(agency=agency, name=_("After a visit or case"), is_default=True)
    survey_publish(actor=actor, survey=survey, questions=defaults.QUESTIONS)
    survey.refresh_from_db()
    return survey


# --- invitations -----------------------------------------------------------------------------
def normalise_contact(contact: str) -> str:
    contact = (contact or "").strip().lower()
    if "@" in contact:
        return contact
    digits = re.sub(r"[^\d+]", "", contact)
    return digits


def contact_hash(agency, contact: str) -> str:
    """A keyed hash: lets us apply "once in N days" without keeping the contact itself."""
    key = hashlib.sha256(f"surveys:{settings.SECRET_KEY}".encode()).digest()
    message = f"{agency.pk}:{normalise_contact(contact)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def invitation_url(invitation: Invitation) -> str:
    base = getattr(settings, "CIVICDESK_PUBLIC_URL", "").rstrip("/")
    return f"{base}{reverse('surveys:answer', args=[invitation.token])}"


def invitation_qr_svg(invitation: Invitation) -> str:
    """The invitation link as an SVG data URI, for the counter screen or a printed receipt."""
    return segno.make(invitation_url(invitation), error="m").svg_data_uri(scale=4)


def _model_label(related: Model | None) -> tuple[str, str]:
    if related is None:
        return "", ""
    return related._meta.label_lower, str(related.pk)


@transaction.atomic
def survey_invite(
    *,
    agency,
    site=None,
    department=None,
    officer=None,
    service_key: str = "",
    service_name: str = "",
    case_kind: str = "",
    channel: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    language: str = "en",
    related: Model | None = None,
    source: str = Source.TICKET,
) -> Invitation | None:
    """Invite the person just served, if the sample and the quiet period allow. None otherwise.

    Called by queues when a ticket is done and by cases when a case is closed. With a contact
    the link is queued through the outbox (email first, else SMS); without one the caller shows
    `invitation_qr_svg(invitation)`. The URL carries only a random token.
    """
    if source not in Source.values:
        raise ValidationFailed(_("Unknown invitation source %(s)s.") % {"s": source})
    contact = contact_email or contact_phone
    # With a contact, lock the policy row: two finishes for the same person at once must not both
    # invite. Without one there is no "same person" to keep apart, and every finish of the agency
    # would otherwise wait for the one before it to commit.
    policies = SurveyPolicy.objects.filter(agency=agency)
    if contact:
        policies = policies.select_for_update()
    policy = policies.first()
    if policy is None:
        survey_policy_for(agency)
        policy = policies.get()
    rate = float(policy.sampling_rate)
    if rate <= 0 or (rate < 1 and _sampler.random() >= rate):
        return None
    hashed = contact_hash(agency, contact) if contact else ""
    if (
        hashed
        and policy.quiet_days
        and Invitation.objects.filter(
            agency=agency,
            contact_hash=hashed,
            created_at__gte=now() - timedelta(days=policy.quiet_days),
        ).exists()
    ):
        return None
    survey = survey_create_default(agency=agency)
    language = language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE
    related_type, related_id = _model_label(related)
    invitation = Invitation.objects.create(
        token=secrets.token_urlsafe(24),
        version=survey.current_version,
        agency=agency,
        site=site,
        department=department,
        officer=officer,
        service_key=service_key[:60],
        service_name=service_name[:200],
        case_kind=case_kind[:30],
        channel=channel[:30],
        language=language,
        source=source,
        delivery=Delivery.EMAIL
        if contact_email
        else Delivery.SMS
        if contact_phone
        else Delivery.QR,
        contact_hash=hashed,
        related_type=related_type,
        related_id=related_id,
        expires_at=now() + timedelta(days=policy.link_valid_days),
    )
    if contact:
        _send_invitation(invitation, policy=policy, email=contact_email, phone=contact_phone)
    return invitation


def _send_invitation(invitation: Invitation, *, policy, email: str, phone: str) -> None:
    url = invitation_url(invitation)
    with translation.override(invitation.language):
        agency_name = invitation.agency.display_name  # in the invitation's language
        subject = _("How was your visit to %(agency)s?") % {"agency": agency_name}
        body = _(
            "Thank you for contacting %(agency)s. Please tell us how we did: it takes about "
            "a minute and we do not ask your name.\n\n%(url)s\n\n"
            "The link works once, until %(date)s."
        ) % {
            "agency": agency_name,
            "url": url,
            # The last day on the wall calendar of the place visited, as the language writes it.
            "date": date_format(
                local_time(invitation.expires_at, invitation.site or invitation.agency),
                "DATE_FORMAT",
            ),
        }
        sms = _("%(agency)s: how did we do? One minute, no name asked: %(url)s") % {
            "agency": invitation.agency.code,
            "url": url,
        }
    notify_enqueue(
        channel=Delivery.EMAIL if email else Delivery.SMS,
        to=email or phone,
        subject=subject if email else "",
        body=body if email else sms,
        dedupe_key=f"survey-invitation:{invitation.pk}",
        agency=invitation.agency,
        related=invitation,
    )


# --- answering -------------------------------------------------------------------------------
def _check_open(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise InvitationUnknown()
    if invitation.answered_at is not None:
        raise InvitationUsed(agency_code=invitation.agency.code)
    if invitation.expires_at <= now():
        raise InvitationExpired(agency_code=invitation.agency.code)
    return invitation


def invitation_open(*, token: str) -> Invitation:
    """The invitation behind a link, or a clear error: unknown, already used or expired."""
    if not token or len(token) > 64:
        raise InvitationUnknown()
    invitation = (
        Invitation.objects.select_related("agency", "version", "site").filter(token=token).first()
    )
    _check_open(invitation)
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now())
    return invitation


class AnswersInvalid(ValidationFailed):
    code = "answers_invalid"

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some answers need attention."), errors=errors)
        self.errors = errors


def clean_answers(questions, raw: dict[str, object]) -> tuple[dict[str, int | str], dict[str, str]]:
    """Check raw answers (strings or numbers by question key) against a version's questions."""
    cleaned: dict[str, int | str] = {}
    errors: dict[str, str] = {}
    for question in questions:
        value = raw.get(question.key)
        value = "" if value is None else str(value).strip()
        if value == "":
            if question.required:
                errors[question.key] = _("Choose an answer to this question.")
            continue
        if question.kind in SCALES:
            low, high = SCALES[question.kind]
            try:
                number = int(value)
            except ValueError:
                number = None
            if number is None or not low <= number <= high:
                errors[question.key] = _("Choose a number from %(low)d to %(high)d.") % {
                    "low": low,
                    "high": high,
                }
                continue
            cleaned[question.key] = number
        elif question.kind == QuestionKind.YES_NO:
            if value not in ("yes", "no"):
                errors[question.key] = _("Choose yes or no.")
                continue
            cleaned[question.key] = 1 if value == "yes" else 0
        elif question.kind == QuestionKind.CHOICE:
            allowed = [str(c.get("value")) for c in question.choices]
            if value not in allowed:
                errors[question.key] = _("Choose one of the options.")
                continue
            cleaned[question.key] = allowed.index(value)
        else:
            if len(value) > 2000:
                errors[question.key] = _("Write 2,000 characters or fewer.")
                continue
            if "\x00" in value:  # never typed, and PostgreSQL text cannot hold it
                errors[question.key] = _("Remove the character that is not allowed (NUL).")
                continue
            cleaned[question.key] = value
    return cleaned, errors


@transaction.atomic
def response_submit(*, token: str, answers: dict[str, object], language: str = "") -> Response:
    """Store one person's answers against the version they were invited to, exactly once.

    The invitation row is locked, so a double submit (two tabs, a retry) stores one response
    and the second gets InvitationUsed. A survey published meanwhile changes nothing here:
    the invitation keeps pointing at the version the person saw.
    """
    invitation = _check_open(
        Invitation.objects.select_for_update().filter(token=token or "").first()
    )
    questions = list(invitation.version.questions.all())
    cleaned, errors = clean_answers(questions, answers)
    if errors:
        raise AnswersInvalid(errors)
    by_key = {q.key: q for q in questions}
    scores = {}
    for kind in (QuestionKind.CSAT, QuestionKind.NPS, QuestionKind.CES):
        first = next((q for q in questions if q.kind == kind and q.key in cleaned), None)
        scores[kind.value] = cleaned[first.key] if first else None
    answered_at = now()
    context = {name: getattr(invitation, name) for name in Invitation.CONTEXT_FIELDS}
    if language in LANGUAGE_CODES:
        context["language"] = language
    try:
        with transaction.atomic():
            response = Response.objects.create(
                invitation=invitation,
                version=invitation.version,
                answered_at=answered_at,
                **context,
                **scores,
            )
    except IntegrityError as exc:
        raise InvitationUsed() from exc
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=by_key[key],
            number=value if isinstance(value, int) else None,
            text=value if isinstance(value, str) else "",
        )
        for key, value in cleaned.items()
    )
    invitation.answered_at = answered_at
    invitation.save(update_fields=["answered_at", "updated_at"])
    return response


# --- suggestions -----------------------------------------------------------------------------
def _suggestion_reference(agency) -> str:
    return f"S-{agency.code}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def suggestion_submit(
    *, agency, text: str, site=None, channel: str = "web", language: str = "en"
) -> Suggestion:
    """Store an anonymous suggestion; nothing about the person is kept."""
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationFailed(_("Write your suggestion in a few words (at least 5 characters)."))
    if len(text) > 4000:
        raise ValidationFailed(_("Write 4,000 characters or fewer."))
    if site is not None and site.agency_id != agency.pk:
        raise NotFound(_("That site is not part of this agency."))
    for _attempt in range(5):
        reference = _suggestion_reference(agency)
        if not Suggestion.objects.filter(reference=reference).exists():
            break
    return Suggestion.objects.create(
        agency=agency,
        site=site,
        text=text,
        channel=channel if channel in ("web", "kiosk") else "web",
        language=language if language in LANGUAGE_CODES else "en",
        reference=reference,
    )


def suggestion_to_case(suggestion: Suggestion, *, actor) -> str:
    """Open a case of kind "suggestion" for an accepted suggestion; return its reference.

    The one bridge to the cases app. When merged it calls
    `civicdesk.cases.services.case_create(actor=actor, agency=suggestion.agency,
    kind="suggestion", channel=suggestion.channel, site=suggestion.site,
    description=suggestion.text, language=suggestion.language)` and returns the case's
    reference. Until the cases app is installed it raises CasesUnavailable (HTTP 409), so the
    accepting transaction rolls back and the suggestion stays pending.
    """
    if not apps.is_installed("civicdesk.cases"):
        raise CasesUnavailable()
    from civicdesk.cases.services import case_create  # type: ignore[import-not-found]

    case = case_create(
        actor=actor,
        agency=suggestion.agency,
        kind="suggestion",
        # A kiosk suggestion was made at the counter hall; the web box is the web channel.
        channel="counter" if suggestion.channel == "kiosk" else "web",
        site=suggestion.site,
        description=suggestion.text,
        language=suggestion.language,
    )
    return str(case.reference)


@transaction.atomic
def suggestion_moderate(
    *, actor, suggestion: Suggestion, decision: str, note: str = ""
) -> Suggestion:
    """Accept (opening a case) or reject a pending suggestion; audited; all or nothing."""
    require(
        actor,
        Area.SURVEYS,
        Access.WRITE,
        Target(agency_id=suggestion.agency_id, site_id=suggestion.site_id),
    )
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if decision not in (SuggestionStatus.ACCEPTED, SuggestionStatus.REJECTED):
        raise ValidationFailed(_("Choose accept or reject."))
    if decision == SuggestionStatus.REJECTED and not note.strip():
        raise ValidationFailed(_("Say briefly why the suggestion is not taken forward."))
    suggestion_set_status(suggestion, decision, actor=actor, note=note.strip())
    if decision == SuggestionStatus.ACCEPTED:
        suggestion.case_reference = suggestion_to_case(suggestion, actor=actor)
    suggestion.save()
    audit_record(
        actor=actor,
        action=f"suggestion.{'accept' if decision == SuggestionStatus.ACCEPTED else 'reject'}",
        target=suggestion,
        agency=suggestion.agency,
        data={"note": suggestion.moderation_note, "case": suggestion.case_reference},
    )
    return suggestion
