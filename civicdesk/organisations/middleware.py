from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, empty

# Paths a signed-in admin may reach before passing two-factor.
_OPEN_PREFIXES = (
    "/staff/sign-in",
    "/staff/sign-out",
    "/staff/two-factor",
    "/static/",
    "/healthz",
    "/i18n/",
)


class TwoFactorRequiredMiddleware:
    """Agency and system admins must pass TOTP before any other page or API call."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _nobody_signed_in(request):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            profile = getattr(user, "staff_profile", None)
            needs = (profile is not None and profile.requires_two_factor) or user.is_superuser
            if needs and not user.is_verified():
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Two-factor verification is required.", "code": "two_factor"},
                        status=403,
                    )
                return redirect(f"{reverse('staff:two_factor')}?next={request.path}")
        return self.get_response(request)


def _nobody_signed_in(request) -> bool:
    """Whether the request's user is certainly anonymous without loading it: still the lazy
    user of the authentication middleware, and no session to sign anyone in (no session
    cookie). Loading it (the session, then django-otp's wrapper) for every machine client's
    API call and every page of a visitor cost more than the rest of this check."""
    user = request.__dict__.get("user")
    session = getattr(request, "session", None)
    return (
        isinstance(user, SimpleLazyObject)
        and user._wrapped is empty
        and session is not None
        and session.session_key is None
    )
