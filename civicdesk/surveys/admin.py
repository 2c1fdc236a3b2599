from django.contrib import admin

from civicdesk.surveys.models import (
    Invitation,
    Question,
    Response,
    Suggestion,
    Survey,
    SurveyPolicy,
    SurveyVersion,
)


@admin.register(SurveyPolicy)
class SurveyPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "agency",
        "sampling_rate",
        "quiet_days",
        "link_valid_days",
        "show_officer_names",
    ]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    can_delete = False
    readonly_fields = ["position", "key", "kind", "text", "required"]
    fields = readonly_fields


@admin.register(SurveyVersion)
class SurveyVersionAdmin(admin.ModelAdmin):
    """Published versions are immutable: answers point at them."""

    list_display = ["survey", "number", "published_at", "published_by"]
    inlines = [QuestionInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "is_default", "current_version"]
    readonly_fields = ["current_version"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are made by survey_invite, answered by the person."""

    list_display = ["pk", "agency", "site", "source", "delivery", "created_at", "answered_at"]
    list_filter = ["agency", "source", "delivery"]
    exclude = ["token", "contact_hash"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["pk", "agency", "site", "service_name", "csat", "nps", "ces", "answered_at"]
    list_filter = ["agency", "source", "language"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["reference", "agency", "site", "status", "created_at"]
    list_filter = ["agency", "status"]
    readonly_fields = ["status", "moderated_by", "moderated_at", "case_reference"]
