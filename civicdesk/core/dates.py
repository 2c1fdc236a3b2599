"""The dates a report, filter or planning page may name.

Far beyond these the week, month and time-zone arithmetic runs off the calendar (a 500, or a
background job that fails), and there is nothing to report anyway.
"""

from datetime import date

from django import forms
from django.utils.translation import gettext as _

EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def out_of_range_message() -> str:
    return _("Enter a date from %(first)d to %(last)d.") % {
        "first": EARLIEST.year,
        "last": LATEST.year,
    }


class InRangeDateField(forms.DateField):
    """A date field that refuses dates outside EARLIEST..LATEST with a message people can act on."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(out_of_range_message(), code="out_of_range")
