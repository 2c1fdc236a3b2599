from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.core.models import TimeStampedModel
from civicdesk.organisations.models import Agency
from civicdesk.routing.workflows import FAILED, QUEUED, READY, TRAINING


class RoutingPolicy(TimeStampedModel):
    """How an agency wants its routing decided. agency=None: the shared front door."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="routing_policy"
    )
    precision_target = models.FloatField(
        _("precision target"),
        default=0.95,
        validators=[MinValueValidator(0.5), MaxValueValidator(0.999)],
        help_text=_("Cases are routed automatically only when the model is at least this right."),
    )
    auto_promote = models.BooleanField(
        _("promote new versions automatically when not worse"), default=True
    )
    retrain_every_days = models.PositiveSmallIntegerField(
        _("retrain every (days)"), default=7, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("routing policy")
        verbose_name_plural = _("routing policies")

    def __str__(self) -> str:
        return f"routing policy {self.agency.code if self.agency else 'front door'}"


class ModelVersion(TimeStampedModel):
    """One training of the routing model for one agency (or the front door), with its evaluation.

    The fitted pipeline is stored in `artifact`, a BinaryField (joblib, zlib-compressed) rather
    than a FileField: every app process on every host reads the same versions from the one
    database, backups and restores carry them, and promoting or rolling back is one transaction.
    Artifacts are small (vocabulary pruned, a few MB at 100k cases).
    """

    STATUS_CHOICES = [
        (QUEUED, _("Queued")),
        (TRAINING, _("Training")),
        (READY, _("Ready")),
        (FAILED, _("Failed")),
    ]

    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_versions",
        help_text=_("Empty: the shared front door, which routes to agencies."),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    trigger = models.CharField(max_length=20, default="manual")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    progress = models.FloatField(default=0.0)
    progress_note = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    n_train = models.PositiveIntegerField(default=0)
    data_until = models.DateTimeField(
        null=True, blank=True, help_text=_("The newest case this version learned from.")
    )
    precision_target = models.FloatField(default=0.95)
    threshold = models.FloatField(null=True, blank=True)
    evaluation = models.JSONField(default=dict, blank=True)
    comparison = models.JSONField(default=dict, blank=True)
    training_seconds = models.FloatField(null=True, blank=True)
    library_versions = models.JSONField(default=dict, blank=True)
    artifact = models.BinaryField(null=True, blank=True, editable=False)
    artifact_sha256 = models.CharField(max_length=64, blank=True)

    is_active = models.BooleanField(_("serving suggestions"), default=False)
    promoted_at = models.DateTimeField(null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "number"], name="routing_version_number_per_agency"
            ),
        ]
        indexes = [models.Index(fields=["agency", "is_active"])]
        verbose_name = _("routing model version")

    def __str__(self) -> str:
        scope = self.agency.code if self.agency_id else "front door"
        return f"routing {scope} v{self.number}"

    @property
    def is_running(self) -> bool:
        return self.status in (QUEUED, TRAINING)

    @property
    def scope_label(self) -> str:
        return self.agency.code if self.agency_id else "front-door"
