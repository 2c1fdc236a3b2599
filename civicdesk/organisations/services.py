"""Writes for agencies, departments, sites and staff. Each is atomic and audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.core.errors import NotAllowed, ValidationFailed
from civicdesk.organisations.models import Agency, Department, Site, StaffProfile
from civicdesk.organisations.permissions import Access, Area, Scope, Target, require, scope_for
from civicdesk.organisations.roles import Role


@transaction.atomic
def agency_create(
    *,
    actor,
    code: str,
    name: str,
    languages: list[str],
    colour: str = "#1d70b8",
    office_hours: dict | None = None,
    timezone: str = "Asia/Hong_Kong",
    holiday_country: str = "HK",
    holiday_subdivision: str = "",
    email: str = "",
    website: str = "",
) -> Agency:
    if actor is not None and scope_for(actor, Area.ORGANISATION, Access.WRITE) is not Scope.ALL:
        raise NotAllowed(_("Only a system admin can create an agency."))
    agency = Agency(
        code=code,
        name=name,
        languages=languages,
        colour=colour,
        office_hours=office_hours if office_hours is not None else {},
        timezone=timezone,
        holiday_country=holiday_country,
        holiday_subdivision=holiday_subdivision,
        email=email,
        website=website,
    )
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action="agency.create", target=agency, agency=agency)
    return agency


@transaction.atomic
def department_create(
    *, actor, agency: Agency, code: str, name: str, email: str = "", names: dict | None = None
) -> Department:
    """`name` in English; `names` the department's name in other languages, by language code."""
    if actor is not None:
        require(actor, Area.ORGANISATION, Access.WRITE, Target(agency_id=agency.id))
    department = Department(agency=agency, code=code, name=name, email=email, names=names or {})
    department.full_clean()
    department.save()
    audit_record(actor=actor, action="department.create", target=department)
    return department


@transaction.atomic
def site_create(
    *,
    actor,
    agency: Agency,
    code: str,
    name: str,
    address: str,
    opening_hours: dict,
    timezone: str | None = None,
    holiday_country: str | None = None,
    holiday_subdivision: str = "",
    latitude=None,
    longitude=None,
) -> Site:
    if actor is not None:
        require(actor, Area.ORGANISATION, Access.WRITE, Target(agency_id=agency.id))
    site = Site(
        agency=agency,
        code=code,
        name=name,
        address=address,
        opening_hours=opening_hours,
        timezone=timezone or agency.timezone,
        holiday_country=holiday_country if holiday_country is not None else agency.holiday_country,
        holiday_subdivision=holiday_subdivision,
        latitude=latitude,
        longitude=longitude,
    )
    site.full_clean()
    site.save()
    audit_record(actor=actor, action="site.create", target=site)
    return site


@transaction.atomic
def staff_create(
    *,
    actor,
    username: str,
    password: str | None,
    display_name: str,
    role: Role,
    agency: Agency | None,
    email: str = "",
    departments=(),
    sites=(),
    supervisor: StaffProfile | None = None,
) -> StaffProfile:
    """Create a staff account. `password=None` leaves it unusable until an admin sets one."""
    role = Role(role)
    if role is not Role.SYSTEM_ADMIN and agency is None:
        raise ValidationFailed("Every staff member except a system admin belongs to an agency.")
    if actor is not None:
        require(actor, Area.STAFF, Access.WRITE, Target(agency_id=agency.id if agency else None))
        if role is Role.SYSTEM_ADMIN and actor.staff_profile.role != Role.SYSTEM_ADMIN:
            raise ValidationFailed("Only a system admin can create another system admin.")
    for unit in [*departments, *sites]:
        if agency is None or unit.agency_id != agency.id:
            raise ValidationFailed(f"{unit} is not part of the staff member's agency.")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"The username {username!r} is taken.")
    user = User(
        username=username,
        email=email,
        is_staff=role is Role.SYSTEM_ADMIN,
        is_superuser=role is Role.SYSTEM_ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    profile = StaffProfile.objects.create(
        user=user, agency=agency, role=role, display_name=display_name, supervisor=supervisor
    )
    profile.departments.set(departments)
    profile.sites.set(sites)
    audit_record(
        actor=actor,
        action="staff.create",
        target=profile,
        agency=agency,
        data={"username": username, "role": role.value},
    )
    return profile


@transaction.atomic
def staff_set_role(*, actor, profile: StaffProfile, role: Role) -> StaffProfile:
    require(actor, Area.STAFF, Access.WRITE, Target(agency_id=profile.agency_id))
    role = Role(role)
    if role is Role.SYSTEM_ADMIN and actor.staff_profile.role != Role.SYSTEM_ADMIN:
        raise ValidationFailed("Only a system admin can make someone a system admin.")
    previous = profile.role
    profile.role = role
    profile.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=actor,
        action="staff.set_role",
        target=profile,
        data={"from": previous, "to": role.value},
    )
    return profile
