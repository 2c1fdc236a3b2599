from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def estimate(value, digits: int = 1) -> str:
    """'82.3 (78.1 to 86.0)' or '–' when there is nothing to show."""
    if value is None or value.value is None:
        return "–"
    text = f"{value.value:.{digits}f}"
    if value.low is not None:
        interval = _("%(low)s to %(high)s") % {
            "low": f"{value.low:.{digits}f}",
            "high": f"{value.high:.{digits}f}",
        }
        text += f" ({interval})"
    return text


@register.filter
def number(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


@register.filter
def signed(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


@register.filter
def pvalue(value) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


@register.inclusion_tag("surveys/_invitation_qr.html")
def survey_invitation_qr(invitation):
    """For the counter screen and the receipt: `{% load surveys_tags %}{% survey_invitation_qr
    invitation %}` shows the one-time link as a QR code with the link written below it."""
    from civicdesk.surveys.services import invitation_qr_svg, invitation_url

    if invitation is None:
        return {"invitation": None}
    return {
        "invitation": invitation,
        "qr": invitation_qr_svg(invitation),
        "url": invitation_url(invitation),
    }
