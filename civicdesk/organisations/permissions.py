"""What may this user see and do? The one answer every app asks.

A grant is (area, access) -> scope. Scopes widen in order:
- NONE: nothing.
- OWN: only records about the user themself (their assessments, their performance).
- UNIT: records of the departments or sites the user belongs to, in their agency.
- AGENCY: everything of the user's agency.
- ALL: every agency (system admins).

Apps call `can`/`require` for one object and `scope_queryset` for lists, naming the fields that
tie their model to an agency, department, site or staff member. A staff query that does not go
through here is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from civicdesk.core.errors import NotAllowed
from civicdesk.organisations.roles import Role


class Area(StrEnum):
    ORGANISATION = "organisation"  # agency, departments, sites, opening hours
    STAFF = "staff"  # staff accounts and roles
    CASES = "cases"
    QUEUES = "queues"
    SURVEYS = "surveys"
    PLEDGES = "pledges"
    INSIGHTS = "insights"  # demand, forecasts, staffing advice
    PERFORMANCE = "performance"  # individual staff performance
    WORKFORCE = "workforce"  # competencies, assessments, improvement ideas, programmes
    TRAINING = "training"
    AUDIT = "audit"


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


class Scope(IntEnum):
    NONE = 0
    OWN = 1
    UNIT = 2
    AGENCY = 3
    ALL = 4


N, OW, U, A, X = Scope.NONE, Scope.OWN, Scope.UNIT, Scope.AGENCY, Scope.ALL

# (read, write) scope per area and role. Writing never reaches wider than reading.
_TABLE: dict[Role, dict[Area, tuple[Scope, Scope]]] = {
    Role.FRONTLINE: {
        Area.ORGANISATION: (A, N),
        Area.STAFF: (N, N),
        Area.CASES: (U, U),
        Area.QUEUES: (U, U),
        Area.SURVEYS: (N, N),
        Area.PLEDGES: (A, N),
        Area.INSIGHTS: (N, N),
        Area.PERFORMANCE: (OW, N),
        Area.WORKFORCE: (OW, OW),
        Area.TRAINING: (A, N),
        Area.AUDIT: (N, N),
    },
    Role.TEAM_LEAD: {
        Area.ORGANISATION: (A, N),
        Area.STAFF: (U, N),
        Area.CASES: (U, U),
        Area.QUEUES: (U, U),
        Area.SURVEYS: (U, N),
        Area.PLEDGES: (A, N),
        Area.INSIGHTS: (U, U),  # write: accept a redeployment into a site of theirs
        Area.PERFORMANCE: (U, N),
        Area.WORKFORCE: (U, U),
        Area.TRAINING: (A, N),
        Area.AUDIT: (N, N),
    },
    Role.QSM: {
        Area.ORGANISATION: (A, N),
        Area.STAFF: (A, N),
        Area.CASES: (A, A),
        Area.QUEUES: (A, N),
        Area.SURVEYS: (A, A),
        Area.PLEDGES: (A, A),
        Area.INSIGHTS: (A, N),
        Area.PERFORMANCE: (A, N),
        Area.WORKFORCE: (A, N),
        Area.TRAINING: (A, N),
        Area.AUDIT: (A, N),
    },
    Role.AGENCY_ADMIN: {
        Area.ORGANISATION: (A, A),
        Area.STAFF: (A, A),
        Area.CASES: (A, A),
        Area.QUEUES: (A, A),
        Area.SURVEYS: (A, A),
        Area.PLEDGES: (A, A),
        Area.INSIGHTS: (A, A),
        Area.PERFORMANCE: (A, N),
        Area.WORKFORCE: (A, A),
        Area.TRAINING: (A, A),
        Area.AUDIT: (A, N),
    },
    Role.TRAINER: {
        Area.ORGANISATION: (A, N),
        Area.STAFF: (A, N),
        Area.CASES: (N, N),
        Area.QUEUES: (N, N),
        Area.SURVEYS: (N, N),
        Area.PLEDGES: (A, N),
        Area.INSIGHTS: (N, N),
        Area.PERFORMANCE: (N, N),
        Area.WORKFORCE: (A, N),
        Area.TRAINING: (A, A),
        Area.AUDIT: (N, N),
    },
    Role.EXECUTIVE: {
        Area.ORGANISATION: (A, N),
        Area.STAFF: (A, N),
        Area.CASES: (A, N),
        Area.QUEUES: (A, N),
        Area.SURVEYS: (A, N),
        Area.PLEDGES: (A, N),
        Area.INSIGHTS: (A, N),
        Area.PERFORMANCE: (A, N),
        Area.WORKFORCE: (A, N),
        Area.TRAINING: (A, N),
        Area.AUDIT: (A, N),
    },
    Role.SYSTEM_ADMIN: dict.fromkeys(Area, (X, X)),
}


@dataclass(frozen=True)
class Target:
    """What a single object is tied to. Leave a field None when the object has no such tie."""

    agency_id: int | None = None
    department_id: int | None = None
    site_id: int | None = None
    staff_id: int | None = None  # the StaffProfile the record is about


def _profile(user):
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "staff_profile", None)


def scope_for(user, area: Area, access: Access) -> Scope:
    profile = _profile(user)
    if profile is None:
        return Scope.NONE
    read, write = _TABLE[Role(profile.role)][area]
    return read if access is Access.READ else write


def _unit_ids(profile) -> tuple[set[int], set[int]]:
    return _department_ids(profile), _site_ids(profile)


def _department_ids(profile) -> set[int]:
    cache = getattr(profile, "_department_ids_cache", None)
    if cache is None:
        cache = profile._department_ids_cache = set(
            profile.departments.values_list("id", flat=True)
        )
    return cache


def _site_ids(profile) -> set[int]:
    cache = getattr(profile, "_site_ids_cache", None)
    if cache is None:
        cache = profile._site_ids_cache = set(profile.sites.values_list("id", flat=True))
    return cache


def can(user, area: Area, access: Access, target: Target | None = None) -> bool:
    """May the user read/write in this area, for this target (or at all, when target is None)?"""
    scope = scope_for(user, area, access)
    if scope is Scope.NONE:
        return False
    if target is None or scope is Scope.ALL:
        return True
    profile = user.staff_profile
    if target.agency_id is not None and target.agency_id != profile.agency_id:
        return False
    if scope is Scope.AGENCY:
        return target.agency_id is not None
    if scope is Scope.OWN:
        return target.staff_id is not None and target.staff_id == profile.id
    if target.staff_id is not None and target.staff_id == profile.id:
        return True
    # Only the ties the target has are read (a ticket has a site, no department).
    if target.site_id is not None and target.site_id in _site_ids(profile):
        return True
    return target.department_id is not None and target.department_id in _department_ids(profile)


def require(user, area: Area, access: Access, target: Target | None = None) -> None:
    if not can(user, area, access, target):
        raise NotAllowed(_("Your role does not allow this."))


def scope_queryset(
    user,
    area: Area,
    access: Access,
    queryset: QuerySet,
    *,
    agency_field: str = "agency_id",
    department_field: str | None = None,
    site_field: str | None = None,
    staff_field: str | None = None,
) -> QuerySet:
    """The rows of `queryset` the user may read (or write). Empty for no grant.

    Each *_field is the lookup that reaches the id: "agency_id", "case__site_id",
    "departments" (a many-to-many), "pk" for the Agency model itself.
    """
    scope = scope_for(user, area, access)
    if scope is Scope.NONE:
        return queryset.none()
    if scope is Scope.ALL:
        return queryset
    profile = user.staff_profile
    queryset = queryset.filter(**{agency_field: profile.agency_id})
    if scope is Scope.AGENCY:
        return queryset
    condition = Q(pk__in=[])
    if staff_field:
        condition |= Q(**{staff_field: profile.id})
    if scope is Scope.UNIT:
        departments, sites = _unit_ids(profile)
        if department_field:
            condition |= Q(**{f"{department_field}__in": departments})
        if site_field:
            condition |= Q(**{f"{site_field}__in": sites})
    return queryset.filter(condition)


def visible_areas(user) -> list[tuple[Area, Scope, Scope]]:
    """Every area the user can at least read, with read and write scope: the staff home."""
    result = []
    for area in Area:
        read = scope_for(user, area, Access.READ)
        if read is not Scope.NONE:
            result.append((area, read, scope_for(user, area, Access.WRITE)))
    return result
