"""`civicdesk check --deploy` warns when survey links would point at this machine."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def public_url_is_public(app_configs, **kwargs):
    host = urlparse(getattr(settings, "CIVICDESK_PUBLIC_URL", "")).hostname or ""
    if host in ("", "127.0.0.1", "localhost", "::1"):
        return [
            Warning(
                "CIVICDESK_PUBLIC_URL points at this machine, so survey links in emails, SMS "
                "and QR codes will not open for citizens.",
                hint="Set CIVICDESK_PUBLIC_URL to the public address, e.g. https://feedback.example.gov",
                id="surveys.W001",
            )
        ]
    return []
