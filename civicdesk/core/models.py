from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civicdesk.core.clock import now


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


@deconstructible
class LocalTextsValidator:
    """{language code: text} for the languages civicdesk speaks, each at most `max_length`
    characters."""

    def __init__(self, max_length: int):
        self.max_length = max_length

    def __call__(self, value) -> None:
        known = {code for code, _name in settings.LANGUAGES}
        if not isinstance(value, dict) or not set(value) <= known:
            raise ValidationError(
                _("Give names by language code, one of: %(codes)s."),
                params={"codes": ", ".join(sorted(known))},
            )
        if any(not isinstance(text, str) or len(text) > self.max_length for text in value.values()):
            raise ValidationError(
                _("Each text is at most %(n)s characters."), params={"n": self.max_length}
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, LocalTextsValidator) and other.max_length == self.max_length


def validate_names(value) -> None:
    """{language code: name}, each at most 200 characters (a function, as migrations name it)."""
    LocalTextsValidator(200)(value)


def in_language(texts: dict | None, fallback: str, language: str | None = None) -> str:
    """The text for the reader's language (by default the active one) from texts by language
    code: the exact language, then another script of it (Traditional for a Simplified
    reader), then `fallback` (the English)."""
    language = (language or get_language() or "").lower()
    texts = texts or {}
    if texts.get(language):
        return texts[language]
    family = language.split("-")[0]
    for code, text in texts.items():
        if text and code.split("-")[0] == family:
            return text
    return fallback


class LocalNames(models.Model):
    """A name that citizens read in their own language: `names` holds it in other languages
    than `name`'s, and `display_name` picks the one for the language in use (a name in
    another script of the same language before `name`: Simplified Chinese readers get the
    Traditional name rather than the English one)."""

    names = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        validators=[validate_names],
        help_text=_('By language code, e.g. {"zh-hant": "房屋署", "ms": "Jabatan Perumahan"}.'),
    )

    class Meta:
        abstract = True

    def local_name(self, language: str | None = None) -> str:
        return in_language(self.names, self.name, language)

    @property
    def display_name(self) -> str:
        return self.local_name()


class PeriodicRun(models.Model):
    """When a periodic job last ran; a row lock keeps two hosts from running it at once."""

    name = models.CharField(max_length=100, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
