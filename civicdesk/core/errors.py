"""Errors a person can act on. Raised by services, turned into a 4xx with a message at the edge."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message=None, *, code: str | None = None, **extra):
        self.message = str(message if message is not None else self.default_message)
        if code:
            self.code = code
        self.extra = extra
        super().__init__(self.message)

    default_message = _("The request could not be completed.")


class ValidationFailed(ApplicationError):
    status = 422
    code = "validation_failed"


class NotAllowed(ApplicationError):
    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do that.")


class NotFound(ApplicationError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"
