from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.core.dates import InRangeDateField
from civicdesk.surveys.models import SurveyPolicy
from civicdesk.surveys.selectors import DIMENSIONS

DIMENSION_CHOICES = [
    ("site", _("Site")),
    ("service", _("Service")),
    ("department", _("Department")),
    ("officer", _("Officer")),
    ("channel", _("Channel")),
    ("month", _("Month")),
]
assert {c for c, _l in DIMENSION_CHOICES} == set(DIMENSIONS)


class ResultsFilterForm(forms.Form):
    date_from = InRangeDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = InRangeDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    group_by = forms.ChoiceField(label=_("Group by"), choices=DIMENSION_CHOICES, required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data


class EvaluationForm(forms.Form):
    scope_type = forms.ChoiceField(
        label=_("Compare by"), choices=[("site", _("Sites")), ("service", _("Services"))]
    )
    scopes = forms.MultipleChoiceField(label=_("Which sites or services changed"), choices=())
    before_from = InRangeDateField(
        label=_("Before: from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    before_to = InRangeDateField(
        label=_("Before: to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    after_from = InRangeDateField(
        label=_("After: from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    after_to = InRangeDateField(
        label=_("After: to"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, scope_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices

    def clean(self):
        data = super().clean()
        for start, end in (("before_from", "before_to"), ("after_from", "after_to")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, _("The end date must be on or after the start date."))
        if (
            data.get("before_to")
            and data.get("after_from")
            and data["after_from"] <= data["before_to"]
        ):
            self.add_error(
                "after_from", _("The after period must start after the before period ends.")
            )
        return data


class SuggestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your suggestion"),
        help_text=_("Do not include your name or contact details: suggestions are anonymous."),
        widget=forms.Textarea,
        min_length=5,
        max_length=4000,
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accepted", _("Accept")), ("rejected", _("Reject"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SurveyPolicy
        fields = ["sampling_rate", "quiet_days", "link_valid_days", "show_officer_names"]
