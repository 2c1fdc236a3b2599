"""Who is whose line manager, and which profile applies to whom: answers every module asks.

Scopes come from `organisations.permissions`; this module only adds the one fact the
foundation's table cannot know: the line-manager relation (StaffProfile.supervisor) and the
team a UNIT-scoped lead shares with a person through departments and sites.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from civicdesk.core.errors import NotAllowed
from civicdesk.organisations.models import StaffProfile
from civicdesk.organisations.permissions import Access, Area, Scope, scope_for
from civicdesk.organisations.roles import Role
from civicdesk.workforce.models import StaffGroup

DEFAULT_GROUP = {
    Role.FRONTLINE: StaffGroup.FRONTLINE,
    Role.TEAM_LEAD: StaffGroup.LEADER,
    Role.QSM: StaffGroup.LEADER,
    Role.AGENCY_ADMIN: StaffGroup.GENERAL,
    Role.TRAINER: StaffGroup.GENERAL,
    Role.EXECUTIVE: StaffGroup.LEADER,
    Role.SYSTEM_ADMIN: StaffGroup.GENERAL,
}


def staff_group_of(staff: StaffProfile) -> StaffGroup:
    """The group set on the person's workforce profile, else the usual group for their role."""
    wp = getattr(staff, "workforce_profile", None)
    try:
        if wp is not None:
            return StaffGroup(wp.staff_group)
    except ValueError:
        pass
    return DEFAULT_GROUP[Role(staff.role)]


def profile_of(user) -> StaffProfile:
    profile = getattr(user, "staff_profile", None) if user is not None else None
    if profile is None:
        raise NotAllowed(_("Only staff can do this."))
    return profile


def team_members(user) -> QuerySet[StaffProfile]:
    """Everyone the user manages: direct reports, plus everyone in their units for a team lead,
    plus the whole agency for an agency-wide manager. Never the user themself."""
    profile = profile_of(user)
    scope = scope_for(user, Area.WORKFORCE, Access.WRITE)
    staff = StaffProfile.objects.select_related("user", "agency", "workforce_profile")
    if scope is Scope.ALL:
        members = staff.all()
    elif scope is Scope.AGENCY:
        members = staff.filter(agency_id=profile.agency_id)
    else:
        condition = Q(supervisor_id=profile.id)
        if scope is Scope.UNIT:
            condition |= Q(departments__in=profile.departments.all()) | Q(
                sites__in=profile.sites.all()
            )
        members = staff.filter(condition, agency_id=profile.agency_id)
    return members.exclude(pk=profile.pk).filter(user__is_active=True).distinct()


def manages(user, subject: StaffProfile) -> bool:
    """Is the user this person's line manager (directly, through a unit, or agency-wide)?"""
    profile = getattr(user, "staff_profile", None)
    if profile is None or subject.pk == profile.pk:
        return False
    scope = scope_for(user, Area.WORKFORCE, Access.WRITE)
    if scope is Scope.ALL:
        return True
    if subject.agency_id != profile.agency_id:
        return False
    # The line-manager relation holds whatever the role: an executive manages the leads who
    # report to her even though her role writes nothing else in the area.
    if scope is Scope.AGENCY or subject.supervisor_id == profile.id:
        return True
    if scope is Scope.UNIT:
        return team_members(user).filter(pk=subject.pk).exists()
    return False


def require_manages(user, subject: StaffProfile) -> None:
    if not manages(user, subject):
        raise NotAllowed(
            _("%(name)s is not in your team.") % {"name": subject.display_name},
            code="not_in_team",
        )
