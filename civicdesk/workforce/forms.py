from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civicdesk.workforce.models import Rating, StaffGroup


def _site_label(site) -> str:
    """A site in a choice list: its agency and code, then its name in the reader's language."""
    return f"{site.agency.code}/{site.code} {site.local_name()}"


def other_languages(agency) -> list[tuple[str, str]]:
    """The languages other than English the agency serves, as (code, name)."""
    names = dict(settings.LANGUAGES)
    codes = (agency.languages or []) if agency is not None else []
    return [(code, names[code]) for code in codes if code in names and code != "en"]


class OtherLanguagesForm(forms.Form):
    """A form that asks, after each field named in `translated`, for its words in each other
    language the agency serves (fields `<field>_<code>`), as the queues service form does;
    `texts(field)` gives them back as {code: text} for the model's JSON field."""

    # field -> label with %(language)s, e.g. {"name": _("Name in %(language)s")}
    translated: dict = {}

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        languages = other_languages(agency)
        fields = {}
        for name, field in self.fields.items():
            fields[name] = field
            for code, language in languages if name in self.translated else ():
                fields[f"{name}_{code}"] = forms.CharField(
                    label=self.translated[name] % {"language": language},
                    max_length=field.max_length,
                    required=False,
                    widget=type(field.widget)(),
                    help_text=_("Leave empty to show the English words."),
                )
        self.fields = fields

    def texts(self, field: str) -> dict[str, str]:
        prefix = f"{field}_"
        return {
            name.removeprefix(prefix): (value or "").strip()
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix) and (value or "").strip()
        }


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter a title for your idea.")},
    )
    problem = forms.CharField(
        label=_("What is the problem?"),
        widget=forms.Textarea,
        help_text=_("What goes wrong today, for citizens or for staff."),
        error_messages={"required": _("Describe the problem.")},
    )
    proposal = forms.CharField(
        label=_("What do you propose?"),
        widget=forms.Textarea,
        error_messages={"required": _("Describe what you propose.")},
    )
    expected_benefit = forms.CharField(
        label=_("What will it improve?"),
        widget=forms.Textarea,
        help_text=_("For example shorter waits, fewer repeat calls, less paperwork."),
        error_messages={"required": _("Say what it will improve.")},
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=None, required=False, empty_label=_("Not about one site")
    )
    service = forms.CharField(label=_("Service (optional)"), max_length=200, required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].label_from_instance = _site_label


class ApproveForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Who will implement it?"),
        queryset=None,
        required=False,
        empty_label=_("The person who submitted it"),
    )
    note = forms.CharField(
        label=_("Note to the submitter (optional)"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note to the submitter"), widget=forms.Textarea, required=False)


class SessionForm(forms.Form):
    training = forms.ModelChoiceField(
        label=_("Training programme"),
        queryset=None,
        error_messages={"required": _("Choose a training programme.")},
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=None, error_messages={"required": _("Choose a site.")}
    )
    trainer = forms.ModelChoiceField(
        label=_("Trainer"), queryset=None, error_messages={"required": _("Choose a trainer.")}
    )
    day = forms.DateField(
        label=_("Date"),
        widget=DateInput,
        error_messages={"required": _("Enter the date."), "invalid": _("Enter a real date.")},
    )
    starts = forms.TimeField(
        label=_("Start time"),
        widget=TimeInput,
        error_messages={"required": _("Enter the start time.")},
    )
    ends = forms.TimeField(
        label=_("End time"), widget=TimeInput, error_messages={"required": _("Enter the end time.")}
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=500,
        error_messages={"required": _("Enter the number of places.")},
    )

    def __init__(self, *args, trainings, sites, trainers, pilot_site_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = trainings
        self.fields["training"].label_from_instance = lambda training: training.display_title
        self.fields["site"].queryset = sites
        self.fields["trainer"].queryset = trainers
        # Say which sites are pilot sites: trainers schedule the programme's sessions there.
        pilots = set(pilot_site_ids)
        self.fields["site"].label_from_instance = lambda site: (
            _("%(site)s (pilot site)") % {"site": _site_label(site)}
            if site.pk in pilots
            else _site_label(site)
        )


class EnrolForm(forms.Form):
    staff = forms.ModelChoiceField(
        label=_("Enrol a member of your team"),
        queryset=None,
        error_messages={"required": _("Choose a person.")},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label=_("Milestone"), max_length=200, error_messages={"required": _("Enter the milestone.")}
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, error_messages={"required": _("Choose an owner.")}
    )
    starts_on = forms.DateField(
        label=_("Starts"),
        widget=DateInput,
        error_messages={"required": _("Enter the start date."), "invalid": _("Enter a real date.")},
    )
    due_on = forms.DateField(
        label=_("Due"),
        widget=DateInput,
        error_messages={"required": _("Enter the due date."), "invalid": _("Enter a real date.")},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff


class NominationForm(forms.Form):
    award = forms.ModelChoiceField(
        label=_("Award"), queryset=None, error_messages={"required": _("Choose an award.")}
    )
    reason = forms.CharField(
        label=_("Why does this idea deserve it?"),
        widget=forms.Textarea,
        error_messages={"required": _("Say why this idea deserves it.")},
    )

    def __init__(self, *args, awards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = awards


def assessment_form_class(behaviours):
    """A form with one required 1–4 radio field per behaviour, named b<id>."""
    fields = {
        f"b{b.id}": forms.TypedChoiceField(
            label=b.display_text,
            choices=Rating.choices,
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose a rating for “%(b)s”.") % {"b": b.display_text}},
        )
        for b in behaviours
    }
    fields["comment"] = forms.CharField(
        label=_("Comment (optional)"), widget=forms.Textarea, required=False
    )
    return type("AssessmentForm", (forms.Form,), fields)


class AwardForm(forms.Form):
    name = forms.CharField(
        label=_("Award name"),
        max_length=200,
        error_messages={"required": _("Enter the award's name.")},
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("For example 2026."),
        error_messages={"required": _("Enter the period.")},
    )
    closes_on = forms.DateField(
        label=_("Nominations close"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the closing date."),
            "invalid": _("Enter a real date."),
        },
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        label=_("Programme name"),
        max_length=200,
        error_messages={"required": _("Enter the programme's name.")},
    )
    aims = forms.CharField(label=_("Aims"), widget=forms.Textarea, required=False)
    starts_on = forms.DateField(
        label=_("Starts"),
        widget=DateInput,
        error_messages={"required": _("Enter the start date."), "invalid": _("Enter a real date.")},
    )
    ends_on = forms.DateField(
        label=_("Ends"),
        widget=DateInput,
        error_messages={"required": _("Enter the end date."), "invalid": _("Enter a real date.")},
    )
    training_centre = forms.CharField(label=_("Training centre"), max_length=200, required=False)
    sponsor = forms.ModelChoiceField(
        label=_("Senior management sponsor"),
        queryset=None,
        required=False,
        empty_label=_("Choose later"),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = staff


class PilotSiteForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=None, error_messages={"required": _("Choose a site.")}
    )
    owner = forms.ModelChoiceField(
        label=_("Owner (line manager)"),
        queryset=None,
        required=False,
        empty_label=_("Choose later"),
    )

    def __init__(self, *args, sites, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].label_from_instance = _site_label
        self.fields["owner"].queryset = staff


class ProfileStartForm(OtherLanguagesForm):
    translated = {"title": _("Title in %(language)s")}
    staff_group = forms.ChoiceField(
        label=_("Staff group"),
        choices=StaffGroup.choices,
        error_messages={"required": _("Choose a staff group.")},
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Enter a title.")}
    )


class ProgrammeRoleForm(forms.Form):
    staff = forms.ModelChoiceField(
        label=_("Person"), queryset=None, error_messages={"required": _("Choose a person.")}
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=(), error_messages={"required": _("Choose a role.")}
    )

    def __init__(self, *args, staff, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["role"].choices = roles


class CompetencyForm(OtherLanguagesForm):
    translated = {
        "name": _("Name in %(language)s"),
        "description": _("Description in %(language)s"),
    }
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter the competency's name.")},
    )
    description = forms.CharField(
        label=_("Description (optional)"), widget=forms.Textarea, required=False, max_length=4000
    )


class BehaviourForm(OtherLanguagesForm):
    translated = {"text": _("Behaviour in %(language)s")}
    text = forms.CharField(
        label=_("Observable behaviour"),
        max_length=300,
        error_messages={"required": _("Describe the behaviour someone can observe.")},
    )
