import secrets

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.open311.models import ApiKey, ServiceAttribute, Submission, Update


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "key_prefix", "is_active", "created_at")
    list_filter = ("is_active", "agency")
    readonly_fields = ("key_prefix", "created_at")
    fields = ("name", "agency", "is_active", "key_prefix", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            key = secrets.token_urlsafe(32)
            obj.set_key(key)
            super().save_model(request, obj, form, change)
            audit_record(actor=request.user, action="open311.key_create", target=obj,
                         agency=obj.agency, data={"name": obj.name})  # fmt: skip
            messages.warning(
                request,
                _("The new api_key is %(key)s — copy it now, it is not shown again.")
                % {"key": key},
            )
            return
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="open311.key_change", target=obj,
                     agency=obj.agency, data={"active": obj.is_active})  # fmt: skip


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ("category", "code", "datatype", "required", "order")
    list_filter = ("datatype", "category__agency")
    list_select_related = ("category__agency",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("token", "case", "api_key", "created_at")
    list_select_related = ("case", "api_key")
    readonly_fields = [f.name for f in Submission._meta.fields]


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    list_display = ("client_update_id", "case", "api_key", "created_at")
    list_select_related = ("case", "api_key")
    readonly_fields = [f.name for f in Update._meta.fields]
