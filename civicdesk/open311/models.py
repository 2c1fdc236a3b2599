"""Open311 GeoReport v2: API keys of client systems, attribute definitions, what clients sent."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.core.clock import now


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(models.Model):
    """A client system allowed to post requests and updates. Only the key's hash is stored."""

    name = models.CharField(_("client name"), max_length=100)
    agency = models.ForeignKey(
        "organisations.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the key may post to the services of every agency of the city."),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 API key")

    def __str__(self) -> str:
        scope = self.agency.code if self.agency_id else "city"
        return f"{self.name} ({scope}, {self.key_prefix}…)"

    def set_key(self, key: str) -> None:
        self.key_hash = hash_api_key(key)
        self.key_prefix = key[:6]

    def may_act_for(self, agency_id: int) -> bool:
        return self.agency_id is None or self.agency_id == agency_id


class Datatype(models.TextChoices):
    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLEVALUELIST = "singlevaluelist", _("Pick one")
    MULTIVALUELIST = "multivaluelist", _("Pick any")


class ServiceAttribute(models.Model):
    """An extra question of a service (a case category), published in its service definition."""

    category = models.ForeignKey(
        "cases.Category", on_delete=models.CASCADE, related_name="open311_attributes"
    )
    code = models.CharField(_("code"), max_length=40)
    variable = models.BooleanField(
        _("asks for input"),
        default=True,
        help_text=_("Untick for a notice that is only shown to the person reporting."),
    )
    datatype = models.CharField(
        _("datatype"), max_length=20, choices=Datatype.choices, default=Datatype.STRING
    )
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("datatype description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    description = models.CharField(_("question"), max_length=500)
    values = models.JSONField(
        _("values"),
        default=list,
        blank=True,
        help_text=_('For the list datatypes: [{"key": "1", "name": "Ground floor"}, ...]'),
    )

    class Meta:
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code")
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.code}"

    def value_keys(self) -> dict[str, str]:
        return {str(v.get("key")): str(v.get("name", v.get("key"))) for v in self.values or []}


class Submission(models.Model):
    """What an Open311 client posted for a case, beyond the case's own fields."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="open311_submission"
    )
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    token = models.CharField(max_length=40, unique=True)
    media_url = models.URLField(max_length=500, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"{self.token} -> {self.case_id}"


class Update(models.Model):
    """A status change or note another system posted to `servicerequestupdates`."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="updates")
    client_update_id = models.CharField(max_length=100)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("cases.CaseEvent", on_delete=models.CASCADE, related_name="+")
    media_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "client_update_id"], name="open311_update_once_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.client_update_id}"
