"""Services, counters, tickets and the timed periods every ticket passes through; appointments."""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicdesk.core.clock import now
from civicdesk.core.models import LocalNames, TimeStampedModel
from civicdesk.queues.lanes import NORMAL

prefix_validator = RegexValidator(r"^[A-Z]$", _("Use one capital letter, A to Z."))


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Service(LocalNames, TimeStampedModel):
    """Something a visitor queues for at a site: "Passport renewal", tickets A001, A002..."""

    site = models.ForeignKey(
        "organisations.Site", on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    prefix = models.CharField(_("ticket letter"), max_length=1, validators=[prefix_validator])
    default_service_minutes = models.PositiveSmallIntegerField(
        _("usual minutes per visitor"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    priority_run = models.PositiveSmallIntegerField(
        _("priority tickets in a row"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("At most this many priority tickets are called in a row while others wait."),
    )
    # Priority calls made in a row so far (the state of the rule in lanes.py). Locked with the row.
    priority_streak = models.PositiveSmallIntegerField(default=0, editable=False)
    max_recalls = models.PositiveSmallIntegerField(
        _("recalls before no-show"),
        default=2,
        validators=[MaxValueValidator(10)],
        help_text=_("A called visitor may be recalled this many times, then marked a no-show."),
    )
    recall_gap_seconds = models.PositiveSmallIntegerField(
        _("seconds between recalls"), default=30, validators=[MaxValueValidator(900)]
    )
    # Appointments
    appointments_enabled = models.BooleanField(_("takes appointments"), default=False)
    slot_minutes = models.PositiveSmallIntegerField(
        _("appointment length in minutes"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    slot_capacity = models.PositiveSmallIntegerField(
        _("appointments per slot"), default=2, validators=[MinValueValidator(1)]
    )
    late_grace_minutes = models.PositiveSmallIntegerField(
        _("minutes late still counted on time"), default=15, validators=[MaxValueValidator(120)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["site_id", "position", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["site", "prefix"], name="service_prefix_per_site")
        ]
        verbose_name = _("service")

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class Counter(TimeStampedModel):
    """A desk where an officer calls visitors. Open while an officer has signed on to it."""

    site = models.ForeignKey(
        "organisations.Site", on_delete=models.PROTECT, related_name="counters"
    )
    name = models.CharField(_("name"), max_length=40, help_text=_('Shown on the board: "3".'))
    services = models.ManyToManyField(Service, related_name="counters", blank=True)
    officer = models.ForeignKey(
        "organisations.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counters",
    )
    is_open = models.BooleanField(_("open"), default=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["site_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="counter_name_per_site")
        ]
        verbose_name = _("counter")

    def __str__(self) -> str:
        return str(_("Counter %(name)s") % {"name": self.name})


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")
    REMOTE = "remote", _("Remote")
    STAFF = "staff", _("Issued by staff")
    APPOINTMENT = "appointment", _("Appointment")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    ON_HOLD = "on_hold", _("On hold")
    DONE = "done", _("Served")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (
    TicketStatus.WAITING,
    TicketStatus.CALLED,
    TicketStatus.SERVING,
    TicketStatus.ON_HOLD,
)
FINAL_STATUSES = (TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED)


class TicketSequence(models.Model):
    """The last ticket number given per site, day and letter. Bumped in one upsert statement."""

    site = models.ForeignKey("organisations.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    prefix = models.CharField(max_length=1)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "day", "prefix"], name="one_sequence_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.prefix}{self.last:03d}"


class WaitingTally(models.Model):
    """How many of a service's lane class (normal or priority) joined its waiting list and how
    many left it, kept by database triggers on the ticket table (migration 0006), so that
    "people ahead" at a join is two small reads, not a count of everyone waiting.

    Waiting = arrived − left. A public join's insert bumps only the "arrived" row (already one at
    a time: the number's lock); every change of status bumps the "left" row (−1 when a ticket
    comes back to waiting), so an officer's open transaction never holds up a join. Deleting a
    waiting ticket is not counted (tickets leave the queue by status; a service that is deleted
    takes its tally rows with it)."""

    class Side(models.TextChoices):
        ARRIVED = "arrived"
        LEFT = "left"

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    priority = models.BooleanField()
    side = models.CharField(max_length=7, choices=Side.choices)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "priority", "side"], name="one_tally_per_lane_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {'priority' if self.priority else 'normal'} {self.side} {self.n}"


class Ticket(models.Model):
    # The site's and service's own indexes would repeat the first columns of the number's and the
    # queue's (Meta): every index is one more write at every join and every change of status.
    site = models.ForeignKey(
        "organisations.Site", on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    # The number: letter + sequence, per site and local day. Kept through a transfer.
    day = models.DateField(_("day"))
    prefix = models.CharField(max_length=1)
    sequence = models.PositiveIntegerField()
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    lane = models.CharField(_("lane"), max_length=20, default=NORMAL)
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    # Place in the queue (lanes.py): when the visitor joined; a transfer keeps it; an appointment
    # checked in early counts from its slot.
    queued_at = models.DateTimeField()
    joined_at = models.DateTimeField(_("joined"))
    called_at = models.DateTimeField(_("first called"), null=True, blank=True)
    last_called_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("service started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField(_("recalls"), default=0)
    transfer_count = models.PositiveSmallIntegerField(_("transfers"), default=0)
    counter = models.ForeignKey(
        Counter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,  # a partial index (Meta): a waiting ticket has none
    )
    officer = models.ForeignKey(
        "organisations.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,
    )
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    # The citizen's link to their ticket; nothing else about the ticket is guessable.
    # Unique by a constraint (Meta), not `unique=True`, which on PostgreSQL adds a second index
    # for LIKE searches that nothing makes.
    token = models.CharField(max_length=32, default=new_token, editable=False)
    language = models.CharField(max_length=10, default="en")
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    notify_ahead = models.PositiveSmallIntegerField(
        _("tell me when this many people are ahead"), null=True, blank=True
    )
    notify_minutes = models.PositiveSmallIntegerField(
        _("tell me when this many minutes are left"), null=True, blank=True
    )
    near_notified_at = models.DateTimeField(null=True, blank=True)
    estimate_at_join_seconds = models.PositiveIntegerField(null=True, blank=True)
    # The wait predictors at join (queues/wait_blend.py), so later estimates learn from them.
    estimate_features = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "prefix", "sequence"], name="ticket_number_unique"
            ),
            models.UniqueConstraint(fields=["token"], name="ticket_token_unique"),
        ]
        indexes = [
            models.Index(fields=["service", "status", "queued_at"], name="ticket_queue_idx"),
            models.Index(
                fields=["counter"], name="ticket_counter_idx", condition=Q(counter__isnull=False)
            ),
            models.Index(
                fields=["officer"], name="ticket_officer_idx", condition=Q(officer__isnull=False)
            ),
            # Who is at a counter now (display boards, every live snapshot, the estimator's busy
            # counters): a handful of rows, where the site's own index would scan every ticket
            # the site ever gave.
            models.Index(
                fields=["site", "-last_called_at"],
                name="ticket_at_counter_idx",
                condition=Q(status__in=["called", "serving"]),
            ),
            # The first waiting of the priority lanes, for live pages that read only the head of
            # each lane (`site_state(waiting_limit=...)`): few rows, written for priority only.
            models.Index(
                fields=["service", "queued_at"],
                name="ticket_priority_queue_idx",
                condition=Q(status="waiting") & ~Q(lane=NORMAL),
            ),
        ]
        verbose_name = _("ticket")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.prefix}{self.sequence:03d}"

    @property
    def is_priority(self) -> bool:
        return self.lane != NORMAL

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TicketPeriod(models.Model):
    """One stretch of time a ticket spent in one status, at one service, counter and officer."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="periods")
    status = models.CharField(max_length=10, choices=TicketStatus.choices)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", db_index=False
    )  # the first column of period_stats_idx
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    officer = models.ForeignKey(
        "organisations.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(fields=["service", "status", "ended_at"], name="period_stats_idx"),
            # Waiting periods (one per join) have no counter or officer: not in these.
            models.Index(
                fields=["counter"], name="period_counter_idx", condition=Q(counter__isnull=False)
            ),
            models.Index(
                fields=["officer"], name="period_officer_idx", condition=Q(officer__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status} {self.started_at:%H:%M}"

    @property
    def duration(self):
        return (self.ended_at or now()) - self.started_at


# --- appointments ---------------------------------------------------------------------------------
def new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a kiosk
    return "".join(secrets.choice(alphabet) for _ in range(8))


class AppointmentSlot(models.Model):
    """A bookable time at a service; made from the site's opening hours (holidays skipped)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["service", "starts_at"], name="one_slot_per_start")
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(models.Model):
    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="appointments")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    language = models.CharField(max_length=10, default="en")
    reference = models.CharField(max_length=8, unique=True, default=new_reference, editable=False)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    ticket = models.OneToOneField(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointment"
    )
    created_at = models.DateTimeField(default=now, editable=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        indexes = [models.Index(fields=["slot", "status"], name="appointment_slot_status_idx")]

    def __str__(self) -> str:
        return self.reference


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a place")
    OFFERED = "offered", _("Place offered")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Offer expired")
    DECLINED = "declined", _("Declined")


class WaitlistEntry(models.Model):
    """Someone waiting for a place in a full slot; offered a cancelled place for a limited time."""

    slot = models.ForeignKey(AppointmentSlot, on_delete=models.CASCADE, related_name="waitlist")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    language = models.CharField(max_length=10, default="en")
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField(default=now, editable=False)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    appointment = models.OneToOneField(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = _("waitlist entries")

    def __str__(self) -> str:
        return f"{self.slot} {self.name}"
