from django.db.models import QuerySet

from civicdesk.organisations.models import Agency, Department, Site, StaffProfile
from civicdesk.organisations.permissions import Access, Area, scope_queryset


def agency_list_public() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).order_by("code")


def site_list_public(*, agency: Agency | None = None) -> QuerySet[Site]:
    sites = Site.objects.filter(is_active=True, agency__is_active=True).select_related("agency")
    return sites.filter(agency=agency) if agency is not None else sites


def agency_list_for(user) -> QuerySet[Agency]:
    return scope_queryset(
        user, Area.ORGANISATION, Access.READ, Agency.objects.all(), agency_field="pk"
    )


def department_list_for(user) -> QuerySet[Department]:
    return scope_queryset(
        user, Area.ORGANISATION, Access.READ, Department.objects.select_related("agency")
    )


def site_list_for(user) -> QuerySet[Site]:
    return scope_queryset(
        user, Area.ORGANISATION, Access.READ, Site.objects.select_related("agency")
    )


def staff_list_for(user) -> QuerySet[StaffProfile]:
    return scope_queryset(
        user,
        Area.STAFF,
        Access.READ,
        StaffProfile.objects.select_related("user", "agency").prefetch_related(
            "departments", "sites"
        ),
        department_field="departments",
        site_field="sites",
        staff_field=None,
    ).distinct()
