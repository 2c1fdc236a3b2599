"""The two-factor check leaves a request without a session alone without loading its user
(nobody can be signed in), and still stops an admin who has not given the second factor."""

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.utils.functional import empty
from django_otp.middleware import OTPMiddleware

from civicdesk.organisations.middleware import TwoFactorRequiredMiddleware
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


def _through_the_stack(request):
    seen = []
    chain = TwoFactorRequiredMiddleware(lambda r: seen.append(r) or "answer")
    for middleware in (OTPMiddleware, AuthenticationMiddleware, SessionMiddleware):
        chain = middleware(chain)
    return chain(request), seen


def test_without_a_session_the_user_is_not_loaded():
    request = RequestFactory().get("/api/v1/ping")
    answer, seen = _through_the_stack(request)
    assert answer == "answer" and seen == [request]
    assert request.user._wrapped is empty  # still lazy ...
    assert not request.user.is_authenticated  # ... and anonymous when asked


def test_an_admin_without_the_second_factor_is_still_stopped(client, agency):
    profile = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    client.post("/staff/sign-in/", {"username": profile.user.username, "password": TEST_PASSWORD})
    response = client.get("/api/v1/organisations/agencies")
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor"
    assert client.get("/staff/").status_code == 302
