from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.routing.suggestions import MAX_SUGGEST_CHARS

KIND_CHOICES = [
    ("", _("Not known")),
    ("enquiry", _("Enquiry")),
    ("complaint", _("Complaint")),
    ("compliment", _("Compliment")),
    ("suggestion", _("Suggestion")),
    ("service_request", _("Service request")),
]
CHANNEL_CHOICES = [
    ("", _("Not known")),
    ("web", _("Web")),
    ("email", _("Email")),
    ("phone", _("Phone")),
    ("counter", _("Counter")),
    ("chat", _("Chat")),
    ("open311", _("Open311")),
    ("social", _("Social media")),
]


class PolicyForm(forms.Form):
    precision_target = forms.IntegerField(
        label=_("Precision target (%)"),
        min_value=50,
        max_value=99,
        help_text=_(
            "Cases are routed without triage only where past cases show the model was right at "
            "least this often. Higher means fewer cases routed automatically."
        ),
        error_messages={
            "required": _("Enter a precision target between 50 and 99."),
            "invalid": _("Enter the precision target as a whole number, like 95."),
            "min_value": _("Enter a precision target of 50 or more."),
            "max_value": _("Enter a precision target of 99 or less."),
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    retrain_every_days = forms.IntegerField(
        label=_("Retrain every (days)"),
        min_value=1,
        max_value=90,
        error_messages={
            "required": _("Enter how many days apart to retrain, from 1 to 90."),
            "invalid": _("Enter a whole number of days, like 7."),
            "min_value": _("Enter 1 day or more."),
            "max_value": _("Enter 90 days or fewer."),
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    auto_promote = forms.BooleanField(
        label=_("Promote a new version automatically when it is not worse"), required=False
    )


class TryForm(forms.Form):
    text = forms.CharField(
        label=_("What the citizen wrote"),
        max_length=MAX_SUGGEST_CHARS,
        widget=forms.Textarea,
        error_messages={"required": _("Enter the text of a case to see where it would go.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNEL_CHOICES, required=False)
