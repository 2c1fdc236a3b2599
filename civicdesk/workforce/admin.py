from django import forms
from django.contrib import admin

from civicdesk.core.errors import ValidationFailed
from civicdesk.workforce.models import (
    Award,
    Behaviour,
    Competency,
    CompetencyProfile,
    Idea,
    Milestone,
    PilotProgramme,
    PilotSite,
    ProgrammeRole,
    TrainingProgramme,
    TrainingSession,
    WorkforceProfile,
)
from civicdesk.workforce.opening import require_site_open


class CompetencyInline(admin.StackedInline):
    model = Competency
    extra = 0


class BehaviourInline(admin.TabularInline):
    model = Behaviour
    extra = 1


@admin.register(CompetencyProfile)
class CompetencyProfileAdmin(admin.ModelAdmin):
    list_display = ["title", "agency", "staff_group", "version", "status"]
    list_filter = ["agency", "staff_group", "status"]
    readonly_fields = ["status", "promulgated_at", "version"]
    inlines = [CompetencyInline]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "profile"]
    inlines = [BehaviourInline]


@admin.register(WorkforceProfile)
class WorkforceProfileAdmin(admin.ModelAdmin):
    list_display = ["staff", "staff_group"]
    list_filter = ["staff_group"]
    raw_id_fields = ["staff"]


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "agency", "is_active"]
    list_filter = ["agency"]


class TrainingSessionAdminForm(forms.ModelForm):
    """A session added here, or moved to another site or time, is held while the site is open,
    as one scheduled by a trainer is (a session's other details may change at any time)."""

    class Meta:
        model = TrainingSession
        fields = [
            "training",
            "agency",
            "site",
            "trainer",
            "starts_at",
            "ends_at",
            "capacity",
            "cancelled_at",
        ]

    def clean(self):
        data = super().clean()
        moved = {"site", "starts_at", "ends_at"} & set(self.changed_data)
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if moved and starts_at and ends_at and ends_at > starts_at:
            try:
                require_site_open(site=data.get("site"), starts_at=starts_at, ends_at=ends_at)
            except ValidationFailed as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    form = TrainingSessionAdminForm
    list_display = ["training", "site", "starts_at", "capacity"]
    raw_id_fields = ["trainer"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "agency", "site", "status", "submitted_at"]
    list_filter = ["agency", "status"]
    readonly_fields = ["status"]
    raw_id_fields = ["submitted_by", "team_lead", "reviewer", "assignee"]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "agency", "closes_on"]


class PilotSiteInline(admin.TabularInline):
    model = PilotSite
    extra = 0
    raw_id_fields = ["owner"]


class ProgrammeRoleInline(admin.TabularInline):
    model = ProgrammeRole
    extra = 0
    raw_id_fields = ["staff"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(PilotProgramme)
class PilotProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "starts_on", "ends_on"]
    inlines = [PilotSiteInline, ProgrammeRoleInline, MilestoneInline]
