from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civicdesk.queues.lanes import NORMAL, lane_choices
from civicdesk.queues.models import Service, prefix_validator
from civicdesk.queues.services import PHONE_RE


class Radios(forms.RadioSelect):
    """Radios whose label target (used by the error summary) is the first option."""

    def id_for_label(self, id_, index=None):
        return f"{id_}_0" if index is None and id_ else super().id_for_label(id_, index)


AHEAD_CHOICES = [("", _("Do not tell me")), *[(str(n), str(n)) for n in (1, 2, 3, 5, 10)]]
MINUTES_CHOICES = [("", _("Do not tell me")), *[(str(n), str(n)) for n in (5, 10, 15, 30, 60)]]


class PhoneField(forms.RegexField):
    """A phone number both too long and malformed is one mistake: say it once."""

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.error_list[:1]) from None


class ContactFields(forms.Form):
    phone = PhoneField(
        label=_("Mobile number (optional)"),
        regex=PHONE_RE,
        required=False,
        max_length=20,
        help_text=_("For a text message when your turn is near. For example, +852 9123 4567."),
        error_messages={
            "invalid": _("Enter a mobile number like +852 9123 4567."),
            "max_length": _("Enter a mobile number like +852 9123 4567."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        max_length=254,
        error_messages={
            "max_length": _("Your email address must be 254 characters or fewer."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    notify_ahead = forms.TypedChoiceField(
        label=_("Tell me when this many people are ahead of me"),
        choices=AHEAD_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a number from the list.")},
    )
    notify_minutes = forms.TypedChoiceField(
        label=_("Or when my estimated wait is this many minutes"),
        choices=MINUTES_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a number from the list.")},
    )

    def clean(self):
        data = super().clean()
        wants = data.get("notify_ahead") is not None or data.get("notify_minutes") is not None
        if wants and not (data.get("phone") or data.get("email")):
            self.add_error("phone", _("Give a mobile number or an email address to be told."))
        return data


class JoinForm(ContactFields):
    service = forms.TypedChoiceField(
        label=_("What do you need?"),
        coerce=int,
        widget=Radios,
        error_messages={
            "required": _("Choose the service you need."),
            "invalid_choice": _("Choose a service from the list."),
        },
    )
    lane = forms.ChoiceField(
        label=_("Do you need priority?"),
        widget=Radios,
        initial=NORMAL,
        error_messages={
            "required": _("Choose whether you need priority."),
            "invalid_choice": _("Choose whether you need priority."),
        },
        help_text=_("Priority visitors are called first, but never more than a few in a row."),
    )

    field_order = ["service", "lane", "phone", "email", "notify_ahead", "notify_minutes"]

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        # In the page's language: the citizen reads the service's own name for it.
        self.fields["service"].choices = [(s.id, s.display_name) for s in services]
        self.fields["lane"].choices = lane_choices()


class TransferForm(forms.Form):
    service = forms.TypedChoiceField(label=_("Transfer to"), coerce=int)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.id, s.display_name) for s in services]


class PersonForm(forms.Form):
    """Who books a time, or joins its waitlist (call set_purpose before showing it)."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        error_messages={
            "required": _("Enter your full name."),
            "max_length": _("Your name must be 120 characters or fewer."),
        },
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send the confirmation and calendar invite here."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address in the correct format, like name@example.com."),
            "max_length": _("Your email address must be 254 characters or fewer."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = PhoneField(
        label=_("Mobile number (optional)"),
        regex=PHONE_RE,
        required=False,
        max_length=20,
        error_messages={
            "invalid": _("Enter a mobile number like +852 9123 4567."),
            "max_length": _("Enter a mobile number like +852 9123 4567."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def set_purpose(self, *, waitlist: bool) -> None:
        """The email hint for booking the time, or for waiting for a place in it."""
        hint = (
            _("We email you here if a place comes free.")
            if waitlist
            else _("We send the confirmation and calendar invite here.")
        )
        # The bound field (made by is_valid) copied the field's hint: both get the new one.
        self.fields["email"].help_text = self["email"].help_text = hint


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Your booking reference"),
        max_length=12,
        help_text=_("8 letters and numbers, in your confirmation email."),
        error_messages={"required": _("Enter your booking reference.")},
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}
        ),
    )


class UpperCharField(forms.CharField):
    def to_python(self, value):
        return super().to_python(value).upper()


class ServiceForm(forms.ModelForm):
    prefix = UpperCharField(
        label=_("ticket letter"),
        max_length=1,
        validators=[prefix_validator],
        help_text=_("Tickets are numbered with it: A001, A002..."),
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "prefix",
            "default_service_minutes",
            "priority_run",
            "max_recalls",
            "recall_gap_seconds",
            "appointments_enabled",
            "slot_minutes",
            "slot_capacity",
            "late_grace_minutes",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The name in each other language the agency serves, right after the name.
        service = self.instance
        agency = service.site.agency if service.site_id else None
        languages = dict(settings.LANGUAGES)
        other = [code for code in (agency.languages if agency else []) if code != "en"]
        fields = list(self.fields.items())
        extra = {
            f"name_{code}": forms.CharField(
                label=_("Name in %(language)s") % {"language": languages.get(code, code)},
                max_length=120,
                required=False,
                initial=(service.names or {}).get(code, ""),
                help_text=_("Leave empty to show the name above."),
            )
            for code in other
        }
        self.fields = dict(fields[:1]) | extra | dict(fields[1:])

    def clean(self):
        cleaned = super().clean()
        names = dict(self.instance.names or {})
        for field in self.fields:
            if field.startswith("name_"):
                text = (cleaned.get(field) or "").strip()
                code = field.removeprefix("name_")
                if text:
                    names[code] = text
                else:
                    names.pop(code, None)
        cleaned["names"] = names
        return cleaned


class CounterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_('Shown on the board: "3".'))
    services = forms.TypedMultipleChoiceField(
        label=_("Services it serves"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, site_services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(s.id, f"{s.prefix} {s.name}") for s in site_services]
