"""Surveys: versioned definitions, one-time invitations, responses with denormalised context.

A response keeps its own copy of where and by whom the person was served (site, department,
officer, service key/name, case kind, channel), so results group without reaching into the
queues or cases apps, and stays tied to the survey *version* it answered: editing a survey
publishes a new version and never changes what an old answer meant.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.core.models import TimeStampedModel
from civicdesk.organisations.models import Agency, Department, Site, StaffProfile

MAX_QUESTIONS = 15


class QuestionKind(models.TextChoices):
    CSAT = "csat", _("Satisfaction (1–5)")
    NPS = "nps", _("Recommend (0–10)")
    CES = "ces", _("Effort (1–7)")
    AGREE = "agree", _("Agreement (1–5)")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One choice")
    TEXT = "text", _("Free text")


# The inclusive range of each scored kind.
SCALES = {
    QuestionKind.CSAT: (1, 5),
    QuestionKind.NPS: (0, 10),
    QuestionKind.CES: (1, 7),
    QuestionKind.AGREE: (1, 5),
}


class SurveyPolicy(TimeStampedModel):
    """How an agency asks: how often, how many, for how long a link works, what managers see."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="survey_policy")
    sampling_rate = models.DecimalField(
        _("share of visits invited"),
        max_digits=4,
        decimal_places=3,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("1 asks everyone, 0.25 one in four."),
    )
    quiet_days = models.PositiveIntegerField(
        _("ask the same person at most once in (days)"), default=30
    )
    link_valid_days = models.PositiveIntegerField(
        _("link works for (days)"), default=14, validators=[MinValueValidator(1)]
    )
    show_officer_names = models.BooleanField(
        _("show the officer's name beside comments"),
        default=False,
        help_text=_("Only where the agency's staff agreement allows it."),
    )

    def __str__(self) -> str:
        return f"{self.agency.code} survey policy"


class Survey(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="surveys")
    name = models.CharField(_("name"), max_length=200)
    is_default = models.BooleanField(_("used for invitations"), default=False)
    current_version = models.ForeignKey(
        "SurveyVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agency__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(is_default=True),
                name="one_default_survey_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.name}"


class SurveyVersion(models.Model):
    """An immutable snapshot of a survey's questions. Answers point here, never at the draft."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.JSONField(default=dict, help_text=_("Language code to title."))
    intro = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class Question(models.Model):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(
        max_length=40, help_text=_("Stable name across versions, e.g. satisfied, trust.")
    )
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.JSONField(help_text=_("Language code to question text."))
    choices = models.JSONField(
        default=list, blank=True, help_text=_('For "one choice": [{"value", "label": {...}}].')
    )
    labels = models.JSONField(
        default=dict, blank=True, help_text=_('Scale ends: {"low": {lang: text}, "high": {...}}.')
    )
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_per_version"),
            models.UniqueConstraint(
                fields=["version", "position"], name="question_position_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.kind})"


class Source(models.TextChoices):
    TICKET = "ticket", _("Visit (queue ticket)")
    CASE = "case", _("Closed case")
    DEMO = "demo", _("Demo history")


class Delivery(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    QR = "qr", _("QR code only")


class ContextFields(models.Model):
    """Where and by whom the person was served, copied at invitation time."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        StaffProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service_key = models.CharField(max_length=60, blank=True)
    service_name = models.CharField(max_length=200, blank=True)
    case_kind = models.CharField(max_length=30, blank=True)
    channel = models.CharField(max_length=30, blank=True)
    language = models.CharField(max_length=10, default="en")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TICKET)

    class Meta:
        abstract = True

    CONTEXT_FIELDS = (
        "agency_id",
        "site_id",
        "department_id",
        "officer_id",
        "service_key",
        "service_name",
        "case_kind",
        "channel",
        "language",
        "source",
    )


class Invitation(ContextFields, TimeStampedModel):
    """A one-time link. The URL carries only `token`; everything else stays here."""

    token = models.CharField(max_length=64, unique=True)
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="+")
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    contact_hash = models.CharField(max_length=64, blank=True, db_index=True)
    related_type = models.CharField(max_length=100, blank=True)
    related_id = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "contact_hash", "created_at"])]

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class Response(ContextFields):
    """One person's answers. One per invitation: a second submission is refused, not counted."""

    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    answered_at = models.DateTimeField(db_index=True)
    # The headline scores, copied from the answers so results aggregate in one query.
    csat = models.PositiveSmallIntegerField(null=True, blank=True)
    nps = models.PositiveSmallIntegerField(null=True, blank=True)
    ces = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-answered_at"]
        indexes = [
            models.Index(fields=["agency", "answered_at"]),
            models.Index(fields=["site", "answered_at"]),
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question.key}={self.number if self.number is not None else self.text[:20]}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not taken forward")


class Suggestion(TimeStampedModel):
    """An anonymous suggestion from the web or a kiosk, moderated by the QSM."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="suggestions")
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("suggestion"))
    channel = models.CharField(max_length=10, default="web")
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    reference = models.CharField(max_length=20, unique=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.TextField(blank=True)
    case_reference = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference
