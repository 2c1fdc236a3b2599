"""The one clock. Tests freeze it with time-machine; nothing else calls datetime.now()."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
