"""Cases: every enquiry, complaint, compliment, suggestion and service request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civicdesk.core.clock import now
from civicdesk.core.models import LocalNames, TimeStampedModel


class Kind(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")
    COMPLAINT = "complaint", _("Complaint")
    COMPLIMENT = "compliment", _("Compliment")
    SUGGESTION = "suggestion", _("Suggestion")
    SERVICE_REQUEST = "service_request", _("Service request")


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("Counter")
    CHAT = "chat", _("Chat")
    OPEN311 = "open311", _("Open311")
    SOCIAL = "social", _("Social media")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CITIZEN = "awaiting_citizen", _("Waiting for your reply")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Staff read the same status from the other side of the counter (CaseStatus speaks to the
# citizen): `Case.staff_status_label`.
STAFF_STATUS_LABELS = {CaseStatus.AWAITING_CITIZEN: _("Waiting for the citizen")}


def staff_status_choices(statuses=None) -> list[tuple[str, str]]:
    """(value, label) of the given statuses (default: all), labelled for staff."""
    return [
        (value, STAFF_STATUS_LABELS.get(value, label))
        for value, label in CaseStatus.choices
        if statuses is None or value in statuses
    ]


OPEN_STATUSES = (
    CaseStatus.NEW,
    CaseStatus.ACKNOWLEDGED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.AWAITING_CITIZEN,
)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class ClockStart(models.TextChoices):
    RECEIPT = "receipt", _("From receipt")
    COMPLETE_INFORMATION = "complete_information", _("From the day all needed information arrived")


class ServiceStandard(TimeStampedModel):
    """A published promise: acknowledge within N working hours, reply within M working days."""

    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="service_standards"
    )
    name = models.CharField(_("name"), max_length=200)
    acknowledge_within_hours = models.PositiveIntegerField(
        _("acknowledge within (working hours)"), default=8
    )
    reply_within_days = models.PositiveIntegerField(_("reply within (working days)"), default=10)
    interim_reply_after_days = models.PositiveIntegerField(
        _("interim reply after (working days)"),
        null=True,
        blank=True,
        help_text=_("Empty: no interim reply is promised."),
    )
    clock_start = models.CharField(
        _("clock starts"), max_length=30, choices=ClockStart.choices, default=ClockStart.RECEIPT
    )
    excluded_kinds = models.JSONField(
        _("kinds without a reply clock"),
        default=list,
        blank=True,
        help_text=_('For example ["compliment"]: thanked, but no substantive reply is due.'),
    )
    exclusions = models.TextField(
        _("exclusions"), blank=True, help_text=_("Matters the standard does not cover.")
    )

    class Meta:
        ordering = ["agency__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="standard_name_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.name}"


class Category(LocalNames, TimeStampedModel):
    """What a case is about, per agency; the routing rule maps it to a department."""

    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="case_categories"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name in Chinese"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        "organisations.Department", on_delete=models.PROTECT, related_name="case_categories"
    )
    standard = models.ForeignKey(
        ServiceStandard, on_delete=models.PROTECT, related_name="categories"
    )
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Words that suggest this category, one a line.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency__code", "name"]
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="category_code_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.name}"

    def local_name(self, language: str | None = None) -> str:
        """The name in `language` (`names`), else the Chinese name for either Chinese script
        (`name_zh`, kept for what reads it), else as `LocalNames` finds one."""
        language = (language or get_language() or "").lower()
        if (self.names or {}).get(language):
            return self.names[language]
        if language.startswith("zh") and self.name_zh:
            return self.name_zh
        return super().local_name(language)


class ReferenceCounter(models.Model):
    """The last number handed out per agency and year: references have no gaps or repeats."""

    agency = models.ForeignKey("organisations.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="one_counter_per_agency_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


class Case(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    # The agency that holds the case now; a transfer changes it, the reference never changes.
    # Indexes: every one is written at every intake and at every change of an indexed column,
    # so none repeats another's first column (agency, department: Meta), none serves LIKE
    # searches that nothing makes, and the links that most cases lack are partial (Meta).
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=IntakeChannel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    department = models.ForeignKey(
        "organisations.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,
    )
    site = models.ForeignKey(
        "organisations.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        "organisations.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)  # compared case-blind: Meta
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CaseStatus.choices,
        default=CaseStatus.NEW,
    )
    # The clock, all UTC instants computed with the holding agency's working-time calendar.
    received_at = models.DateTimeField(default=now)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    interim_due_at = models.DateTimeField(null=True, blank=True)
    reply_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    interim_replied_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True, db_index=True)
    breach_escalated_at = models.DateTimeField(null=True, blank=True)
    # Routing history.
    transfer_count = models.PositiveSmallIntegerField(default=0)
    coordinating_case = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        db_index=False,
    )
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    # Idempotent intake: the same submission twice is one case (unique: Meta).
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    email_message_id = models.CharField(max_length=500, null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                name="case_idempotency_key_unique",
                condition=Q(idempotency_key__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["email_message_id"],
                name="case_email_message_id_unique",
                condition=Q(email_message_id__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["department", "status"]),
            # The duplicate check at intake looks for open cases close by.
            models.Index(fields=["agency", "latitude", "longitude"], name="case_agency_location"),
            # ... and for the same contact (email compared case-blind, as `iexact` does).
            models.Index(
                Upper("contact_email"),
                name="case_contact_email_upper",
                condition=~Q(contact_email=""),
            ),
            models.Index(
                fields=["contact_phone"], name="case_contact_phone", condition=~Q(contact_phone="")
            ),
            models.Index(
                fields=["coordinating_case"],
                name="case_coordinating_idx",
                condition=Q(coordinating_case__isnull=False),
            ),
            models.Index(
                fields=["merged_into"],
                name="case_merged_into_idx",
                condition=Q(merged_into__isnull=False),
            ),
            models.Index(
                fields=["possible_duplicate_of"],
                name="case_possible_dup_idx",
                condition=Q(possible_duplicate_of__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"[:200]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def contact(self) -> str:
        return self.contact_email or self.contact_phone

    @property
    def staff_status_label(self) -> str:
        return STAFF_STATUS_LABELS.get(self.status) or self.get_status_display()


class CaseTransfer(models.Model):
    """A case moved between agencies; the sender keeps read-only sight of it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_agency_id} -> {self.to_agency_id}"


class MessageKind(models.TextChoices):
    FROM_CITIZEN = "in", _("From the citizen")
    TO_CITIZEN = "out", _("To the citizen")
    NOTE = "note", _("Internal note")


class CaseMessage(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=4, choices=MessageKind.choices)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=now)
    # Unique among the messages that have one (most have none): Meta.
    email_message_id = models.CharField(max_length=500, null=True, blank=True)
    # Set when a message was moved here by a merge: where it was first written.
    original_reference = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email_message_id"],
                name="message_email_message_id_unique",
                condition=Q(email_message_id__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.body[:40]}"


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    return f"cases/{instance.case.reference}/{filename}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        CaseMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.filename


EVENT_LABELS = {
    "created": _("Case received"),
    "status": _("Status changed"),
    "replied": _("Replied to the citizen"),
    "note": _("Internal note"),
    "assigned": _("Reassigned"),
    "transferred": _("Transferred to another agency"),
    "merged": _("A case was merged into this one"),
    "citizen_added": _("The citizen added information"),
    "duplicate_dismissed": _("Not a duplicate"),
    "part_added": _("Linked part added"),
    "part_of": _("Linked part of another case"),
    "referred": _("Referred outside our agencies"),
    "breached": _("Breached"),
    "interim_reminder": _("Officer reminded of the interim reply"),
    "routed_automatically": _("Routed automatically"),
    "open311_update": _("Update from an Open311 client"),
}


class CaseEvent(models.Model):
    """Who did what to a case, and when. The citizen-visible ones are marked public."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=50)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    @property
    def label(self) -> str:
        """What happened, in words staff read (the action is a code for the API and logs)."""
        return str(EVENT_LABELS.get(self.action, self.action))

    @property
    def target_label(self) -> str:
        """Where it went: a status in words, an agency's code, or the merged case's reference."""
        to = self.data.get("to") or ""
        if self.action == "status" and to in CaseStatus.values:
            return str(STAFF_STATUS_LABELS.get(to, CaseStatus(to).label))
        if self.action == "merged":
            return self.data.get("from") or ""
        return to


class OfficerAbsence(models.Model):
    """An officer is away (leave, training): automatic assignment skips them."""

    staff = models.ForeignKey(
        "organisations.StaffProfile", on_delete=models.CASCADE, related_name="absences"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.staff_id} away {self.starts_on}..{self.ends_on}"


class ReferralBody(models.Model):
    """A body outside every participating agency that a citizen can be referred to."""

    name = models.CharField(max_length=200, unique=True)
    topics = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IntakeKey(models.Model):
    """A machine credential for the intake API and the inbound-email endpoint (X-Api-Key)."""

    agency = models.ForeignKey("organisations.Agency", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.agency.code} {self.name}"


class TrackAttempt(models.Model):
    """A failed look-up on the tracking page, by a hashed client address: guessing is throttled."""

    client = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=now, db_index=True)

    def __str__(self) -> str:
        return f"{self.client[:8]} {self.at}"
