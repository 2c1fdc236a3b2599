"""Staff and team performance page (issue 9). Being built."""

from django.http import HttpRequest, HttpResponse


def performance(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
