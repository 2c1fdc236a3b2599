"""Forms for citizens and staff. Every error is one a person can act on."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.cases import selectors
from civicdesk.cases.models import CaseStatus, Category, Kind, Priority, ReferralBody
from civicdesk.cases.services import AttachmentIn, attachment_check
from civicdesk.cases.services.common import EXTENSIONS, max_attachments, phone_is_valid
from civicdesk.cases.services.intake import name_check
from civicdesk.core.errors import ValidationFailed
from civicdesk.organisations.models import Agency

WIDGET_CLASSES = {
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "textarea": "govuk-textarea",
    "text": "govuk-input",
    "email": "govuk-input",
    "tel": "govuk-input",
    "number": "govuk-input",
}


class GovukForm(forms.Form):
    """Gives every widget its GOV.UK class, and its hint and error ids for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._govuk()

    def full_clean(self):
        super().full_clean()
        self._govuk()

    def _govuk(self):
        for name, field in self.fields.items():
            widget = field.widget
            kind = getattr(widget, "input_type", None) or (
                "select" if isinstance(widget, forms.Select) else "textarea"
            )
            if isinstance(widget, forms.Textarea):
                kind = "textarea"
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                continue
            errors = bool(
                self.is_bound and hasattr(self, "_errors") and self._errors and name in self._errors
            )
            base = WIDGET_CLASSES.get(kind, "govuk-input")
            widget.attrs["class"] = base + (f" {base}--error" if errors else "")
            auto_id = self[name].auto_id
            described = ([f"{auto_id}-hint"] if field.help_text else []) + (
                [f"{auto_id}-error"] if errors else []
            )
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            else:
                widget.attrs.pop("aria-describedby", None)
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 5)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


# The types attachment_check takes. Told to the browser too: a phone then offers only these,
# and an iPhone sends its HEIC photos as JPG instead of a file we would refuse.
ACCEPTED_FILES = ",".join(
    [*(f".{extension}" for extension in EXTENSIONS), *dict.fromkeys(EXTENSIONS.values())]
)
HEIC_EXTENSIONS = ("heic", "heif")


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": ACCEPTED_FILES}

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in files if f]
        self.refused: list[str] = []  # each form has its own copy of its fields
        if len(files) > max_attachments():
            raise forms.ValidationError(_("Attach at most %(n)s files.") % {"n": max_attachments()})
        items, errors = [], []
        for upload in files:  # every file that cannot be taken is named, not only the first
            try:
                items.append(_attachment_in(upload))
            except forms.ValidationError as exc:
                self.refused.append(upload.name)
                errors.append(exc)
        if errors:
            raise forms.ValidationError(errors)
        return items


def _attachment_in(upload) -> AttachmentIn:
    if upload.name.rsplit(".", 1)[-1].lower() in HEIC_EXTENSIONS:
        heic = _("%(name)s is a HEIC photo, which we cannot open. Save it as a JPG and attach that.")  # fmt: skip
        raise forms.ValidationError(heic % {"name": upload.name})
    item = AttachmentIn(filename=upload.name, content=upload.read())
    try:
        attachment_check(item)
    except ValidationFailed as exc:
        raise forms.ValidationError(exc.message) from exc
    return item


class AsksFilesAgain:
    """A browser never sends a chosen file back: when the form comes back with a problem, the
    files she attached are gone. Say so at the file field, naming them, so she attaches them
    again instead of sending the form without them."""

    attachment_fields = ("attachments",)

    def _post_clean(self):
        super()._post_clean()
        self.ask_files_again()

    def ask_files_again(self) -> None:
        if not self._errors or not self.files:
            return
        for name in self.attachment_fields:
            refused = getattr(self.fields[name], "refused", [])
            uploads = self.files.getlist(self.add_prefix(name))
            chosen = [f.name for f in uploads if f and f.name not in refused]
            if not chosen:
                continue
            message = _("Attach your files again: %(names)s. We cannot keep them while something on the form needs correcting.")  # fmt: skip
            message %= {"names": ", ".join(chosen)}
            if message not in self._errors.get(name, []):
                self.add_error(name, message)
        self._govuk()  # the file field now shows as in error


def topic_choices(language: str) -> list:
    """Categories grouped by agency, each agency ending with "something else"."""
    groups: dict[Agency, list] = {}
    categories = Category.objects.filter(is_active=True, agency__is_active=True).select_related(
        "agency"
    )
    for category in categories.order_by("agency__name", "name"):
        groups.setdefault(category.agency, []).append(
            (f"{category.agency.code}:{category.code}", category.local_name(language))
        )
    for agency in Agency.objects.filter(is_active=True).order_by("name"):
        groups.setdefault(agency, [])
    choices: list = [("", _("Choose a topic"))]
    for agency, items in groups.items():
        name = agency.local_name(language)  # the group and "something else" in her language
        items = [*items, (f"{agency.code}:", _("Something else for %(agency)s") % {"agency": name})]
        choices.append((name, items))
    return choices


class TelInput(forms.TextInput):
    input_type = "tel"  # a phone's number keypad; the value is checked as text


class ContactFields(GovukForm):
    """The citizen's own details: the browser may fill them in (autocomplete, WCAG 1.3.5)."""

    contact_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    contact_email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_("We send your reference and our reply here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    contact_phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=30,
        required=False,
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )

    def clean_contact_name(self) -> str:
        try:
            return name_check(self.cleaned_data["contact_name"])
        except ValidationFailed as refused:
            raise forms.ValidationError(refused.message) from refused

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not phone_is_valid(phone):
            raise forms.ValidationError(_("Enter a mobile number like +852 9123 4567."))
        return phone


class PublicCaseForm(AsksFilesAgain, ContactFields):
    topic = forms.ChoiceField(label=_("What is it about?"))
    kind = forms.ChoiceField(
        label=_("What would you like to do?"),
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Tell us what happened"),
        max_length=10000,
        widget=forms.Textarea,
        help_text=_("Say where and when, and what you would like us to do."),
        error_messages={"required": _("Tell us what happened.")},
    )
    address = forms.CharField(
        label=_("Where is it? (optional)"),
        max_length=300,
        required=False,
        help_text=_("For example: Block C, North Point Estate, 12th floor."),
    )
    attachments = AttachmentsField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 5 files: JPG, PNG, GIF, WEBP, PDF or TXT, each smaller than 10 MB."),
    )

    def __init__(self, *args, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = topic_choices(language)
        self.fields["topic"].error_messages["required"] = _("Choose what it is about.")

    def clean_topic(self):
        value = self.cleaned_data["topic"]
        code, _sep, category_code = value.partition(":")
        agency = Agency.objects.filter(code=code, is_active=True).first()
        if agency is None:
            raise forms.ValidationError(_("Choose what it is about."))
        category = None
        if category_code:
            category = Category.objects.filter(
                agency=agency, code=category_code, is_active=True
            ).first()
            if category is None:
                raise forms.ValidationError(_("Choose what it is about."))
        return agency, category


class AssistedCaseForm(PublicCaseForm):
    """Staff log a phone call or counter visit on a citizen's behalf."""

    channel = forms.ChoiceField(
        label=_("How did they contact us?"),
        choices=[
            ("phone", _("Phone")),
            ("counter", _("Counter")),
            ("chat", _("Chat")),
            ("social", _("Social media")),
            ("email", _("Email")),
        ],
        widget=forms.RadioSelect,
        initial="phone",
    )
    language = forms.ChoiceField(label=_("Language of the citizen"), choices=[])
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["language"].choices = settings.LANGUAGES
        # The officer types someone else's details: her browser must not offer her own.
        for name in ("contact_name", "contact_email", "contact_phone"):
            self.fields[name].widget.attrs["autocomplete"] = "off"


class TrackForm(GovukForm):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=30,
        help_text=_("For example HSG-2026-000123. It is in the email we sent you."),
        error_messages={"required": _("Enter your case reference.")},
    )
    contact = forms.CharField(
        label=_("Email address or phone number you gave us"),
        max_length=254,
        error_messages={"required": _("Enter the email address or phone number you gave us.")},
    )


class CitizenAddForm(AsksFilesAgain, GovukForm):
    body = forms.CharField(
        label=_("Add information"),
        max_length=10000,
        widget=forms.Textarea,
        error_messages={"required": _("Write what you want to add.")},
    )
    attachments = AttachmentsField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 5 files: JPG, PNG, GIF, WEBP, PDF or TXT, each smaller than 10 MB."),
    )


class ReplyForm(GovukForm):
    body = forms.CharField(label=_("Reply to the citizen"), max_length=10000, widget=forms.Textarea,
                           error_messages={"required": _("Write the reply.")})  # fmt: skip
    then_status = forms.ChoiceField(
        label=_("Then"),
        required=False,
        choices=[
            ("", _("Keep the status")),
            (CaseStatus.AWAITING_CITIZEN, _("Wait for the citizen (pauses the clock)")),
            (CaseStatus.RESOLVED, _("Mark resolved")),
        ],
    )
    interim = forms.BooleanField(label=_("This is an interim reply"), required=False)
    also_to = forms.MultipleChoiceField(
        label=_("Also send this reply to the citizens of merged cases"),
        help_text=_(
            "Each gets their own email or text message, in their language; nobody sees "
            "another's name or address. Tick only those this reply is written for."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        recipients = selectors.merged_recipients(case) if case is not None else []
        if not recipients:
            del self.fields["also_to"]
            return
        self.fields["also_to"].choices = [
            (
                other.reference,
                _("%(ref)s: %(name)s, %(contact)s")
                % {
                    "ref": other.reference,
                    "name": other.contact_name or _("no name given"),
                    "contact": other.contact,
                },
            )
            for other in recipients
        ]


class NoteForm(GovukForm):
    body = forms.CharField(label=_("Internal note"), max_length=10000, widget=forms.Textarea,
                           error_messages={"required": _("Write the note.")})  # fmt: skip


class StatusForm(GovukForm):
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=5000)


class AssignForm(GovukForm):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False,
        empty_label=_("No category"),
    )  # fmt: skip
    assignee = forms.ChoiceField(label=_("Officer"), required=False, choices=[])
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        from civicdesk.organisations.models import StaffProfile

        self.fields["category"].queryset = Category.objects.filter(
            agency=case.agency, is_active=True
        )
        self.fields["category"].label_from_instance = lambda c: c.local_name()
        staff = StaffProfile.objects.filter(agency=case.agency, role__in=["frontline", "team_lead"])
        if case.department_id:  # case_assign takes only an officer of the case's department
            staff = staff.filter(departments=case.department_id)
        self.fields["assignee"].choices = [("", _("Choose automatically")),
                                           *[(str(s.pk), s.display_name) for s in staff]]  # fmt: skip
        # What the case has now: an unchanged category is kept; the officer is said, not
        # preselected (a new category may need an officer of its own department).
        self.fields["category"].initial = case.category_id
        if case.assignee_id:
            now_with = _("Now with %(name)s.") % {"name": case.assignee.display_name}
            # GovukForm made the bound field already, reading its (then empty) hint.
            self.fields["assignee"].help_text = self["assignee"].help_text = now_with


class TransferForm(GovukForm):
    to_agency = forms.ModelChoiceField(
        label=_("Transfer to"),
        queryset=Agency.objects.none(),
        empty_label=_("Choose an agency"),
        error_messages={"required": _("Choose the agency to transfer the case to.")},
    )
    category = forms.ModelChoiceField(
        label=_("Their category (optional)"), queryset=Category.objects.none(), required=False,
        empty_label=_("Let them choose"),
    )  # fmt: skip
    reason = forms.CharField(label=_("Why does it belong there?"), max_length=2000, widget=forms.Textarea,
                             error_messages={"required": _("Say why the case belongs to the other agency.")})  # fmt: skip

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = Agency.objects.filter(is_active=True).exclude(
            pk=case.agency_id
        )
        self.fields["to_agency"].label_from_instance = lambda agency: agency.local_name()
        self.fields["category"].label_from_instance = lambda c: (
            f"{c.agency.local_name()}: {c.local_name()}"
        )
        self.fields["category"].queryset = (
            Category.objects.filter(is_active=True)
            .exclude(agency=case.agency_id)
            .select_related("agency")
        )


class MergeForm(GovukForm):
    into = forms.CharField(
        label=_("Merge this case into (reference)"),
        max_length=30,
        error_messages={"required": _("Enter the reference of the case to keep.")},
    )


class NotDuplicateForm(GovukForm):
    reason = forms.CharField(
        label=_("Why is it a different matter? (optional)"), required=False, max_length=500
    )


class PartForm(GovukForm):
    agency = forms.ModelChoiceField(
        label=_("Agency for the linked part"), queryset=Agency.objects.none(),
        empty_label=_("Choose an agency"),
    )  # fmt: skip
    note = forms.CharField(label=_("What should they look at?"), required=False, max_length=2000)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True).exclude(
            pk=case.agency_id
        )
        self.fields["agency"].label_from_instance = lambda agency: agency.local_name()


class ReferForm(GovukForm):
    body = forms.ModelChoiceField(label=_("Refer to"), queryset=ReferralBody.objects.all(),
                                  empty_label=_("Choose who to refer to"))  # fmt: skip
    note = forms.CharField(
        label=_("Note to the citizen (optional)"), required=False, max_length=2000
    )


class DateInput(forms.DateInput):
    input_type = "date"


class AbsenceForm(GovukForm):
    """Record an officer's absence: automatic assignment skips them on those days."""

    staff = forms.ChoiceField(
        label=_("Officer"),
        choices=[],
        error_messages={"required": _("Choose the officer who will be away.")},
    )
    starts_on = forms.DateField(
        label=_("First day away"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the first day away."),
            "invalid": _("Enter the first day as a date, like 2026-12-24."),
        },
    )
    ends_on = forms.DateField(
        label=_("Last day away"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the last day away."),
            "invalid": _("Enter the last day as a date, like 2026-12-31."),
        },
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example leave or training. Colleagues who can see absences read it."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", _("Choose an officer")),
                                        *[(str(s.pk), s.display_name) for s in staff]]  # fmt: skip

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data
