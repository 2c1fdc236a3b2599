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
