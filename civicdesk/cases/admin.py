from django.contrib import admin

from civicdesk.cases.models import (
    Case,
    Category,
    IntakeKey,
    OfficerAbsence,
    ReferralBody,
    ServiceStandard,
)


@admin.register(ServiceStandard)
class ServiceStandardAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "acknowledge_within_hours", "reply_within_days",
                    "interim_reply_after_days", "clock_start"]  # fmt: skip
    list_filter = ["agency"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "agency", "department", "standard", "is_active"]
    list_filter = ["agency", "is_active"]
    search_fields = ["name", "name_zh", "code"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through the services, which audit every change."""

    list_display = [
        "reference",
        "agency",
        "kind",
        "channel",
        "status",
        "received_at",
        "reply_due_at",
    ]
    list_filter = ["agency", "status", "kind", "channel"]
    search_fields = ["reference", "subject"]
    list_select_related = ["agency"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OfficerAbsence)
class OfficerAbsenceAdmin(admin.ModelAdmin):
    list_display = ["staff", "starts_on", "ends_on", "reason"]


@admin.register(ReferralBody)
class ReferralBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email", "website"]


@admin.register(IntakeKey)
class IntakeKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "created_at", "is_active"]
    readonly_fields = ["key_hash"]
