"""Officers away (leave, training, sick): automatic assignment skips them on those days.

Who may record an absence follows the workforce area's write scope: an officer their own, a
team lead the people of their departments and sites, an agency admin anyone in the agency.
Reading follows the workforce read scope (a QSM and an executive see the agency's).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.cases.models import OfficerAbsence
from civicdesk.core.errors import Conflict, NotAllowed, ValidationFailed
from civicdesk.organisations.models import StaffProfile
from civicdesk.organisations.permissions import (
    Access,
    Area,
    Scope,
    scope_for,
    scope_queryset,
)

# Longer absences are a change of post, not leave: deactivate the account or change departments.
MAX_ABSENCE_DAYS = 366
# Absences that ended this long ago no longer show on the page (they stay in the database).
SHOWN_PAST_DAYS = 30
ASSIGNABLE_ROLES = ("frontline", "team_lead")


def absence_staff(user, access: Access) -> QuerySet[StaffProfile]:
    """The officers (who take cases) whose absences the user may read or record."""
    staff = StaffProfile.objects.filter(role__in=ASSIGNABLE_ROLES, user__is_active=True)
    return (
        scope_queryset(
            user,
            Area.WORKFORCE,
            access,
            staff,
            department_field="departments",
            site_field="sites",
            staff_field="pk",
        )
        .distinct()
        .order_by("display_name", "pk")
    )


def absences_visible(user, *, today: date) -> QuerySet[OfficerAbsence]:
    """Current and coming absences (and those that ended lately) the user may read."""
    staff_ids = absence_staff(user, Access.READ).values("pk")
    return (
        OfficerAbsence.objects.filter(
            staff_id__in=staff_ids, ends_on__gte=today - timedelta(days=SHOWN_PAST_DAYS)
        )
        .select_related("staff")
        .order_by("starts_on", "staff__display_name")
    )


def _require_manage(user, staff: StaffProfile) -> None:
    if scope_for(user, Area.WORKFORCE, Access.WRITE) is Scope.NONE or not (
        absence_staff(user, Access.WRITE).filter(pk=staff.pk).exists()
    ):
        raise NotAllowed(_("You may not record absences for this officer."))


def absence_add(
    *, actor, staff: StaffProfile, starts_on: date, ends_on: date, reason: str = ""
) -> OfficerAbsence:
    """Record that `staff` is away from `starts_on` to `ends_on` (both included)."""
    _require_manage(actor, staff)
    if ends_on < starts_on:
        raise ValidationFailed(_("The last day cannot be before the first day."), code="ends_on")
    if (ends_on - starts_on).days + 1 > MAX_ABSENCE_DAYS:
        raise ValidationFailed(
            _("An absence can last %(n)s days at most.") % {"n": MAX_ABSENCE_DAYS},
            code="ends_on",
        )
    reason = (reason or "").strip()
    if len(reason) > 200 or "\x00" in reason:
        raise ValidationFailed(_("Keep the reason to 200 characters."), code="reason")
    with transaction.atomic():
        # Lock the officer's row: two managers recording the same days at once cannot both pass
        # the overlap check.
        StaffProfile.objects.select_for_update().filter(pk=staff.pk).first()
        clash = OfficerAbsence.objects.filter(
            staff=staff, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).first()
        if clash is not None:
            raise Conflict(
                _("%(name)s is already recorded as away from %(start)s to %(end)s.")
                % {"name": staff.display_name, "start": clash.starts_on, "end": clash.ends_on}
            )
        absence = OfficerAbsence.objects.create(
            staff=staff, starts_on=starts_on, ends_on=ends_on, reason=reason
        )
        audit_record(
            actor=actor,
            action="cases.absence_add",
            target=absence,
            agency=staff.agency,
            data={"staff": staff.pk, "starts_on": starts_on, "ends_on": ends_on},
        )
    return absence


def absence_remove(*, actor, absence: OfficerAbsence) -> None:
    """Delete a recorded absence (entered by mistake, or the officer came back)."""
    _require_manage(actor, absence.staff)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="cases.absence_remove",
            target=absence,
            agency=absence.staff.agency,
            data={
                "staff": absence.staff_id,
                "starts_on": absence.starts_on,
                "ends_on": absence.ends_on,
            },
        )
        absence.delete()
