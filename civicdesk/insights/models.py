"""Staffing targets, the planned roster and the stored staffing advice pages read."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.core.models import TimeStampedModel


class StaffingTarget(TimeStampedModel):
    """A service level to staff for where no waiting-time pledge says it: "90% within 20 min".

    Empty service: every service of the site. A pledge on waiting time wins over this."""

    site = models.ForeignKey(
        "organisations.Site", on_delete=models.CASCADE, related_name="staffing_targets"
    )
    service = models.ForeignKey(
        "queues.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    level_percent = models.DecimalField(
        _("share served in time (%)"),
        max_digits=4,
        decimal_places=1,
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(99.9)],
    )
    wait_minutes = models.PositiveSmallIntegerField(
        _("within minutes"), default=20, validators=[MinValueValidator(1)]
    )
    patience_minutes = models.PositiveSmallIntegerField(
        _("mean patience in minutes"),
        null=True,
        blank=True,
        help_text=_("Empty: estimated from the no-shows in the history."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "service"], name="one_staffing_target")
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.service or '*'} {self.level_percent}% ≤ {self.wait_minutes} min"


class PlannedStaffing(models.Model):
    """The roster: officers planned on a service at a site for one 15-minute interval."""

    site = models.ForeignKey("organisations.Site", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("queues.Service", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    staff = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "starts_at"], name="one_plan_per_service_interval"
            )
        ]
        indexes = [models.Index(fields=["site", "starts_at"], name="plan_site_time_idx")]

    def __str__(self) -> str:
        return f"{self.service} {self.starts_at:%Y-%m-%d %H:%M} {self.staff}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to run")
    RUNNING = "running", _("Computing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class StaffingRun(models.Model):
    """Staffing advice for one site and ISO week, computed once and read by pages and the CLI.

    `result` holds the forecast, the backtest and one row per service and interval; see
    staffing.compute_site_week for its shape."""

    site = models.ForeignKey("organisations.Site", on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)  # ISO week, "2026-W49"
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "week"], name="one_run_per_week")]

    def __str__(self) -> str:
        return f"{self.site} {self.week} {self.status}"
