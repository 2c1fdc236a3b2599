from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.cases.models import Category, Kind
from civicdesk.core.errors import ApplicationError
from civicdesk.organisations.models import Site, StaffProfile
from civicdesk.pledges.metrics import Metric, Source, channels
from civicdesk.pledges.models import ClockStart, Exclusion, Period
from civicdesk.queues.models import Service


class PledgeForm(forms.Form):
    metric = forms.ChoiceField(label=_("What is measured"), choices=Metric.choices)
    threshold = forms.IntegerField(
        label=_("Threshold"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_(
            "Minutes for waits and appointments; working days for replies "
            "(empty: the case's own service standard)."
        ),
    )
    target = forms.DecimalField(
        label=_("Target"),
        max_digits=6,
        decimal_places=1,
        help_text=_("A percentage for shares, minutes for waits, a score for NPS."),
    )
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices)
    clock_start = forms.ChoiceField(
        label=_("Clock starts"),
        choices=[("", _("The usual start for this measure")), *list(ClockStart.choices)],
        required=False,
    )
    exclusions = forms.MultipleChoiceField(
        label=_("Not counted"),
        choices=Exclusion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    service = forms.ModelChoiceField(
        label=_("Queue service"), queryset=Service.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Case category"), queryset=Category.objects.none(), required=False
    )
    case_kind = forms.ChoiceField(
        label=_("Kind of case"),
        choices=[("", _("Every kind")), *list(Kind.choices)],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[
            ("", _("Every channel")),
            (Source.CASES.label, list(channels(Source.CASES).items())),
            (Source.TICKETS.label, list(channels(Source.TICKETS).items())),
        ],
        help_text=_("Count only what came in this way."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=StaffProfile.objects.none(), required=False
    )
    is_published = forms.BooleanField(label=_("Publish on the transparency page"), required=False)

    def __init__(self, data=None, *, agency, instance=None):
        initial = {"is_published": True, "period": "month"}
        if instance is not None:
            initial = {
                name: getattr(instance, name)
                for name in self.base_fields
                if name not in ("site", "service", "category", "owner")
            }
            initial.update(
                site=instance.site_id,
                service=instance.service_id,
                category=instance.category_id,
                owner=instance.owner_id,
            )
        super().__init__(data, initial=initial)
        self.fields["site"].queryset = Site.objects.filter(agency=agency)
        self.fields["service"].queryset = Service.objects.filter(
            site__agency=agency
        ).select_related("site")
        self.fields["category"].queryset = Category.objects.filter(agency=agency)
        self.fields["owner"].queryset = StaffProfile.objects.filter(agency=agency)
        # Names in the reader's language; a service says its site (every site has its "A").
        self.fields["site"].label_from_instance = lambda site: site.local_name()
        self.fields["service"].label_from_instance = lambda service: (
            f"{service.prefix} {service.local_name()} ({service.site.local_name()})"
        )
        self.fields["category"].label_from_instance = lambda category: category.local_name()

    def service_data(self) -> dict:
        return dict(self.cleaned_data)

    def add_application_error(self, exc: ApplicationError) -> None:
        field = exc.extra.get("field")
        errors = exc.extra.get("errors") or {field: exc.message}
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
