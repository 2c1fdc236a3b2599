from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.core.models import LocalNames, TimeStampedModel
from civicdesk.organisations.hours import parse_weekly_hours
from civicdesk.organisations.roles import Role

code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,9}$", _("Use 2 to 10 capital letters or digits, starting with a letter.")
)
colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1d70b8."))
DEFAULT_OFFICE_HOURS = {str(d): [["09:00", "17:00"]] for d in range(5)}


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(tz)s is not a known time zone."), params={"tz": value})


def validate_weekly_hours(value) -> None:
    try:
        parse_weekly_hours(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def validate_languages(value) -> None:
    known = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, list) or not value or not set(value) <= known:
        raise ValidationError(
            _("Choose one or more of: %(codes)s."), params={"codes": ", ".join(sorted(known))}
        )


class CalendarFields(models.Model):
    """What the working-time calendar needs: a zone, weekly hours and a holiday calendar."""

    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Hong_Kong", validators=[validate_timezone]
    )
    holiday_country = models.CharField(
        _("public holidays of country"),
        max_length=3,
        default="HK",
        help_text=_("ISO 3166 code, e.g. HK, SG, MY."),
    )
    holiday_subdivision = models.CharField(_("subdivision"), max_length=10, blank=True)

    class Meta:
        abstract = True


class Agency(LocalNames, CalendarFields, TimeStampedModel):
    code = models.CharField(_("code"), max_length=10, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    languages = models.JSONField(
        _("languages served"), default=list, validators=[validate_languages]
    )
    colour = models.CharField(
        _("brand colour"), max_length=7, default="#1d70b8", validators=[colour_validator]
    )
    email = models.EmailField(_("public email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    office_hours = models.JSONField(
        _("office hours"),
        default=dict,
        blank=True,
        validators=[validate_weekly_hours],
        help_text=_('Weekday 0 (Monday) to 6 as keys, e.g. {"0": [["09:00", "17:00"]]}.'),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Department(LocalNames, TimeStampedModel):
    """A team of an agency; `name` is its English name, `names` the others (`display_name`)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=10, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="department_code_per_agency")
        ]
        verbose_name = _("department")

    def __str__(self) -> str:
        return f"{self.agency.code}/{self.code} {self.name}"


class Site(LocalNames, CalendarFields, TimeStampedModel):
    """A physical service point: a counter hall, an office, a customer centre."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(_("code"), max_length=10, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.JSONField(
        _("opening hours"),
        default=dict,
        blank=True,
        validators=[validate_weekly_hours],
        help_text=_('Weekday 0 (Monday) to 6 as keys, e.g. {"5": [["09:00", "12:00"]]}.'),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="site_code_per_agency")
        ]
        verbose_name = _("site")

    def __str__(self) -> str:
        return f"{self.agency.code}/{self.code} {self.name}"


class Closure(models.Model):
    """A day an agency (or one of its sites) is closed beyond public holidays: a typhoon, a move."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="closures")
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        help_text=_("Empty: the whole agency."),
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "site", "date"], name="one_closure_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class StaffProfile(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
        help_text=_("Empty only for system admins, who span agencies."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    departments = models.ManyToManyField(Department, blank=True, related_name="staff")
    sites = models.ManyToManyField(Site, blank=True, related_name="staff")
    supervisor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    display_name = models.CharField(_("display name"), max_length=120)
    preferred_language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(role=Role.SYSTEM_ADMIN),
                name="staff_has_agency_unless_system_admin",
            )
        ]
        verbose_name = _("staff profile")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def requires_two_factor(self) -> bool:
        from civicdesk.organisations.roles import TWO_FACTOR_ROLES

        return self.role in TWO_FACTOR_ROLES
