"""What can go wrong with a survey link, in words a citizen can act on."""

from django.utils.translation import gettext_lazy as _

from civicdesk.core.errors import ApplicationError, Conflict, NotFound


class InvitationUnknown(NotFound):
    code = "invitation_unknown"
    default_message = _(
        "We could not find this survey link. Check that you copied the whole link from the message."
    )


class InvitationUsed(Conflict):
    code = "invitation_used"
    default_message = _(
        "This survey has already been answered. Each link can be used once, so your answers "
        "were counted only once. Thank you."
    )


class InvitationExpired(ApplicationError):
    status = 410
    code = "invitation_expired"
    default_message = _(
        "This survey link has expired. Links work for a limited time after your visit. "
        "You can still tell us what you think through the suggestion box."
    )


class CasesUnavailable(ApplicationError):
    status = 409
    code = "cases_unavailable"
    default_message = _(
        "Accepting a suggestion opens a case, and the cases module is not installed here. "
        "The suggestion stays waiting for review."
    )
