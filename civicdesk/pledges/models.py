"""Pledges, their daily counts and the period results pages read (never raw history)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.core.clock import now
from civicdesk.core.models import TimeStampedModel
from civicdesk.pledges.metrics import Metric


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Unit(models.TextChoices):
    NONE = "", _("No threshold")
    MINUTES = "minutes", _("Minutes")
    WORKING_DAYS = "working_days", _("Working days")


class ClockStart(models.TextChoices):
    JOINED = "joined", _("When the visitor took a ticket")
    QUEUED = "queued", _("When the visitor's place in the queue began (appointments: the slot)")
    STANDARD = "standard", _("As the agency's service standard says")
    RECEIPT = "receipt", _("When the case was received")
    SLOT = "slot", _("At the appointment's start time")
    ANSWERED = "answered", _("When the survey was answered")


class Exclusion(models.TextChoices):
    NO_SHOW = "no_show", _("Visitors who did not come when called")
    PRIORITY = "priority", _("Priority-lane visitors")
    APPOINTMENTS = "appointments", _("Visitors with an appointment")
    COMPLIMENTS = "compliments", _("Compliments")
    TRANSFERRED = "transferred", _("Cases transferred from another agency")


class Pledge(TimeStampedModel):
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="pledges"
    )
    metric = models.CharField(_("what is measured"), max_length=30, choices=Metric.choices)
    site = models.ForeignKey(
        "organisations.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every site of the agency."),
    )
    service = models.ForeignKey(
        "queues.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "cases.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    case_kind = models.CharField(_("kind of case"), max_length=20, blank=True)
    threshold = models.PositiveIntegerField(_("threshold"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, blank=True)
    target = models.DecimalField(_("target"), max_digits=6, decimal_places=1)
    period = models.CharField(
        _("period"), max_length=10, choices=Period.choices, default=Period.MONTH
    )
    clock_start = models.CharField(_("clock starts"), max_length=20, choices=ClockStart.choices)
    exclusions = models.JSONField(_("exclusions"), default=list, blank=True)
    owner = models.ForeignKey(
        "organisations.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_pledges",
    )
    starts_on = models.DateField(
        _("measured from"), null=True, blank=True, help_text=_("Empty: all history.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Set when the definition changes: everything from this day on is recomputed.
    recompute_from = models.DateField(null=True, blank=True)
    needs_full_recompute = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["agency__code", "position", "id"]
        indexes = [models.Index(fields=["agency", "metric"])]
        verbose_name = _("pledge")

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.sentence}"

    @property
    def sentence(self) -> str:
        from civicdesk.pledges.sentences import pledge_sentence

        return pledge_sentence(self)


class DailyFigure(models.Model):
    """Additive counts of one pledge on one local day (at one site, or none): the building block."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="daily")
    day = models.DateField()
    site = models.ForeignKey(
        "organisations.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    count = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    aux = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)
    histogram = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["pledge", "day"], name="pledge_daily_idx")]

    def __str__(self) -> str:
        return f"{self.pledge_id} {self.day} {self.hits}/{self.count}"


class PeriodResult(models.Model):
    """A pledge's achievement in one period, overall (site empty) or at one site."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="results")
    period = models.CharField(max_length=10, choices=Period.choices)
    period_start = models.DateField()
    period_end = models.DateField(help_text="The last day of the period.")
    label = models.CharField(max_length=10)
    site = models.ForeignKey(
        "organisations.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    value = models.FloatField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    aux = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)
    target = models.DecimalField(max_digits=6, decimal_places=1)
    met = models.BooleanField(null=True, blank=True)
    is_complete = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["pledge_id", "period_start"]
        indexes = [models.Index(fields=["pledge", "period_start"], name="pledge_result_idx")]

    def __str__(self) -> str:
        return f"{self.pledge_id} {self.label}: {self.value}"


class PledgeAlert(models.Model):
    """A pledge heading to be missed this period; raised once per pledge and period."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="alerts")
    period_start = models.DateField()
    label = models.CharField(max_length=10)
    value = models.FloatField()
    count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "period_start"], name="one_alert_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.pledge_id} {self.label}"


class Watermark(models.Model):
    """How far the incremental recompute has read each source."""

    name = models.CharField(max_length=40, unique=True)
    value = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.value}"
