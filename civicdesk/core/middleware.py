import functools
import http

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as PolicyBuiltPerResponse
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render

from civicdesk.core.errors import ApplicationError, NotFound


class ApplicationErrorMiddleware:
    """An ApplicationError raised by a page view becomes its 4xx page with the message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApplicationError):
            return render(request, "core/error.html", {"error": exception}, status=exception.status)
        return None


def nul_parameter(*sources) -> str | None:
    """The name of the first parameter (of QueryDicts: GET, POST) whose name or value holds a
    NUL byte, shown without it ("?" if nothing else is left); None when there is none."""
    for source in sources:
        for name, values in source.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "")[:40] or "?"
    return None


class RejectNulBytesMiddleware:
    """A NUL byte in the query string is never meaningful, and PostgreSQL text cannot hold one:
    answer 400 with a message instead of letting a query fail deep inside a view. (A NUL in the
    path is a 404: see process_view.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/open311/"):
            return self.get_response(request)  # its views answer in the spec's error list
        if nul_parameter(request.GET) is not None:
            message = "The query contains a character that is not allowed (NUL)."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "invalid_character"}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A `<str:...>` segment of a page's address does match a NUL, and the view's lookup by
        it fails on PostgreSQL: not found, before the view runs (in the page's language, as
        LocaleMiddleware has run by now). The API's 404 is its JSON; Open311 answers its own."""
        if request.path.startswith("/open311/"):
            return None
        if not any("\x00" in str(value) for value in [*view_args, *view_kwargs.values()]):
            return None
        if request.path.startswith("/api/"):
            error = NotFound()
            return JsonResponse({"detail": str(error.message), "code": error.code}, status=404)
        raise Http404


# What a view or a decorator (csp_update, csp_replace, csp_override) sets on a response to give
# it a policy of its own.
_RESPONSE_POLICY_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware(PolicyBuiltPerResponse):
    """django-csp's middleware, but the headers of a response without a nonce and without a
    policy of its own (every JSON answer, a page without inline scripts or styles) come from the
    settings' policies built once per process, not twice per response (copies of the settings,
    then strings: about a sixth of a bare API request). The headers are the same text: pages
    with a nonce, responses with their own policy and DEBUG's error pages go through django-csp
    itself."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _RESPONSE_POLICY_ATTRIBUTES
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            http.HTTPStatus.INTERNAL_SERVER_ERROR,
            http.HTTPStatus.NOT_FOUND,
        ):
            return response
        for header, (policy, excluded), exempt in (
            (HEADER, _settings_policy(report_only=False), "_csp_exempt"),
            (HEADER_REPORT_ONLY, _settings_policy(report_only=True), "_csp_exempt_ro"),
        ):
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written could not be in it.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.cache
def _settings_policy(*, report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The header the settings give a response without a nonce (CONTENT_SECURITY_POLICY, or
    its _REPORT_ONLY twin) and the path prefixes it is not sent for."""
    name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
    policy = getattr(settings, name, None) or {}
    return (
        build_policy(report_only=report_only),
        tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ()),
    )


@receiver(setting_changed)
def _settings_policy_forget(*, setting, **kwargs) -> None:
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _settings_policy.cache_clear()
