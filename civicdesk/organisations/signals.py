"""Sign-ins and sign-outs are staff actions too: audit them."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from civicdesk.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.sign_in")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.sign_out")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        actor=None,
        action="auth.sign_in_failed",
        data={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(post_save, sender=LogEntry)
def _admin_action(sender, instance: LogEntry, created: bool, **kwargs):
    """Django admin changes are staff actions too."""
    if created:
        action = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}.get(
            instance.action_flag, "other"
        )
        audit_record(
            actor=instance.user,
            action=f"admin.{action}",
            data={
                "model": instance.content_type.model if instance.content_type else "",
                "object_id": instance.object_id,
                "object": instance.object_repr,
                "change": instance.get_change_message(),
            },
        )


def _closures_changed(sender, **kwargs):
    from civicdesk.organisations.calendar import agency_calendars_forget

    agency_calendars_forget()


post_save.connect(_closures_changed, sender="organisations.Closure", dispatch_uid="closure.saved")
post_delete.connect(_closures_changed, sender="organisations.Closure", dispatch_uid="closure.gone")
