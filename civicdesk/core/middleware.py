from django.shortcuts import render

from civicdesk.core.errors import ApplicationError


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
