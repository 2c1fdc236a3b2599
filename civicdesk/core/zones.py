"""Times are shown in the zone of what they concern: a site's or an agency's, not the server's.

Every Site and Agency has its own `timezone`. A page about one of them renders inside
`in_zone_of(owner)` (or through `render_in_zone`), so Django's `date`/`time` filters and `{{ }}`
show its local time. Converting a datetime with `astimezone()` before rendering is not enough:
those filters convert every aware datetime to the *active* zone, whatever its own tzinfo.

Python code that formats a time itself (an email, a text message) uses `local_time(value, owner)`;
`django.utils.formats.date_format` does not convert. JSON APIs keep ISO 8601 with an offset.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from civicdesk.core.clock import now


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_of(owner) -> tzinfo:
    """The zone of a Site or an Agency (anything with a `timezone` name), a zone name or a
    tzinfo; the server's default zone when there is none."""
    if owner is None:
        return timezone.get_default_timezone()
    if isinstance(owner, tzinfo):
        return owner
    name = owner if isinstance(owner, str) else getattr(owner, "timezone", "")
    return _zone(name) if name else timezone.get_default_timezone()


def in_zone_of(owner) -> AbstractContextManager:
    """Show times in the zone of `owner` inside the block (the previous zone comes back after)."""
    return timezone.override(zone_of(owner))


def local_time(value: datetime, owner) -> datetime:
    """An aware datetime as the clock on the wall of `owner` reads it."""
    return timezone.localtime(value, zone_of(owner))


def local_today(owner) -> date:
    """Today's date on the wall of `owner` (a Site, an Agency, a zone name or a tzinfo)."""
    return local_time(now(), owner).date()


def render_in_zone(
    owner,
    request: HttpRequest,
    template_name: str,
    context: dict | None = None,
    *,
    status: int | None = None,
) -> HttpResponse:
    """`django.shortcuts.render` with times shown in the zone of `owner` (a Site or Agency)."""
    with in_zone_of(owner):
        return render(request, template_name, context, status=status)
