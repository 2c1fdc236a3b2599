"""Demand, forecast, staffing and redeployment pages (issue 9). Being built."""

from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
