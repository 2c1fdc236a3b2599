from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

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
