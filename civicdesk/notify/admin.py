from django.contrib import admin

from civicdesk.notify.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["to", "subject", "related_id"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
