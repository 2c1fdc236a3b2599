from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.core.clock import now


class AppendOnlyError(Exception):
    pass


class AuditEntry(models.Model):
    """One staff action. Each entry's hash covers its content and the previous entry's hash."""

    # Chain position, prev_hash and hash are set by audit_seal() just after the writing
    # transaction commits (see services.py): NULL means "written, not yet sealed".
    seq = models.BigIntegerField(unique=True, null=True, blank=True, editable=False)
    at = models.DateTimeField(default=now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=150)
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Indexes (Meta): every one is written twice per entry (its insert, then its seal), so none
    # repeats another: object_id only with object_type, action in the one index that serves
    # both `=` and the audit page's prefix search.
    action = models.CharField(_("what"), max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("which"), max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True)  # unique: Meta

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_hash_unique")]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(
                fields=["action"], name="audit_action_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are never deleted.")
