from django.contrib import admin

from civicdesk.queues.models import (
    Appointment,
    AppointmentSlot,
    Counter,
    Service,
    Ticket,
    TicketPeriod,
    WaitlistEntry,
)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["site", "prefix", "name", "default_service_minutes", "appointments_enabled"]
    list_filter = ["site__agency", "appointments_enabled", "is_active"]
    search_fields = ["name", "site__name"]
    exclude = ["priority_streak"]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["site", "name", "is_open", "officer"]
    list_filter = ["site__agency", "is_open"]
    filter_horizontal = ["services"]


class PeriodInline(admin.TabularInline):
    model = TicketPeriod
    extra = 0
    can_delete = False
    readonly_fields = ["status", "service", "counter", "officer", "started_at", "ended_at"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change only through the queue services (audited)."""

    list_display = ["number", "site", "service", "day", "status", "lane", "channel", "joined_at"]
    list_filter = ["status", "lane", "channel", "site__agency"]
    date_hierarchy = "day"
    inlines = [PeriodInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A waiting ticket deleted here would also leave the waiting tally (WaitingTally) off:
        # visitors leave the queue by cancelling, which is audited.
        return False


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(admin.ModelAdmin):
    list_display = ["service", "starts_at", "capacity"]
    list_filter = ["service__site"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["reference", "slot", "name", "status"]
    list_filter = ["status"]
    search_fields = ["reference", "email", "name"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["slot", "name", "status", "offer_expires_at"]
    list_filter = ["status"]
