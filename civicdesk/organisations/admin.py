from django.contrib import admin

from civicdesk.organisations.models import Agency, Closure, Department, Site, StaffProfile


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "timezone", "holiday_country", "is_active"]
    search_fields = ["code", "name"]
    inlines = [DepartmentInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "agency", "timezone", "is_active"]
    list_filter = ["agency"]
    search_fields = ["code", "name", "address"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "agency", "site", "reason"]
    list_filter = ["agency"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "agency", "role"]
    list_filter = ["agency", "role"]
    search_fields = ["display_name", "user__username"]
    filter_horizontal = ["departments", "sites"]
    raw_id_fields = ["user", "supervisor"]


def _system_admin_only(request) -> bool:
    """Django admin is for system admins who passed two-factor."""
    user = request.user
    profile = getattr(user, "staff_profile", None)
    is_system_admin = profile is not None and profile.role == "system_admin"
    return bool(user.is_active and user.is_staff and is_system_admin and user.is_verified())


admin.site.has_permission = _system_admin_only
