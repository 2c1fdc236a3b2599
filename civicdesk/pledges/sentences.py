"""The pledge in words a citizen understands, built from its definition in the active language."""

from __future__ import annotations

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from civicdesk.pledges.metrics import Metric
from civicdesk.pledges.metrics import channel_label as metrics_channel_label
from civicdesk.pledges.models import Exclusion, Period


def _number(value) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def cases_word(pledge) -> str:
    words = {
        "complaint": _("complaints"),
        "enquiry": _("enquiries"),
        "compliment": _("compliments"),
        "suggestion": _("suggestions"),
        "service_request": _("service requests"),
    }
    return words.get(pledge.case_kind, _("cases"))


def _main(pledge) -> str:
    target = _number(pledge.target)
    threshold = pledge.threshold or 0
    metric = pledge.metric
    if metric == Metric.TICKETS_WITHIN:
        return ngettext(
            "We call %(target)s%% of visitors to the counter within %(n)s minute of their arrival.",
            "We call %(target)s%% of visitors to the counter within %(n)s minutes of their arrival.",
            threshold,
        ) % {"target": target, "n": threshold}
    if metric == Metric.WAIT_MEAN:
        return _("Visitors wait on average no more than %(target)s minutes to be called.") % {
            "target": target
        }
    if metric == Metric.WAIT_P90:
        return _("Nine in ten visitors are called within %(target)s minutes.") % {"target": target}
    what = cases_word(pledge)
    if metric == Metric.CASES_ACK_WITHIN:
        return _(
            "We acknowledge %(target)s%% of %(what)s within the time our service standard promises."
        ) % {"target": target, "what": what}
    if metric == Metric.CASES_REPLY_WITHIN:
        if pledge.threshold:
            return ngettext(
                "We reply to %(target)s%% of %(what)s within %(n)s working day.",
                "We reply to %(target)s%% of %(what)s within %(n)s working days.",
                threshold,
            ) % {"target": target, "what": what, "n": threshold}
        return _(
            "We reply to %(target)s%% of %(what)s within the time our service standard promises."
        ) % {"target": target, "what": what}
    if metric == Metric.CASES_FIRST_CONTACT:
        return _(
            "We resolve %(target)s%% of %(what)s on the day we receive them, without passing "
            "them on."
        ) % {"target": target, "what": what}
    if metric == Metric.CSAT:
        return _(
            "At least %(target)s%% of people who answer our survey are satisfied (4 or 5 out of 5)."
        ) % {"target": target}
    if metric == Metric.NPS:
        return _("Our Net Promoter Score is at least %(target)s (from -100 to 100).") % {
            "target": target
        }
    if metric == Metric.CES:
        return _(
            "At least %(target)s%% of people who answer our survey find us easy to deal with "
            "(5 or more out of 7)."
        ) % {"target": target}
    return ngettext(
        "We start %(target)s%% of appointments within %(n)s minute of the booked time.",
        "We start %(target)s%% of appointments within %(n)s minutes of the booked time.",
        threshold,
    ) % {"target": target, "n": threshold}


def _scope(pledge) -> list[str]:
    parts = []
    if pledge.site_id:
        parts.append(_("at %(site)s") % {"site": pledge.site.local_name()})
    if pledge.service_id:
        parts.append(_("for %(service)s") % {"service": pledge.service.local_name()})
    if pledge.category_id:
        category = pledge.category.local_name(get_language() or "")
        parts.append(_("about %(category)s") % {"category": category})
    if pledge.channel:
        parts.append(_("made by %(channel)s") % {"channel": channel_label(pledge.channel)})
    return parts


def pledge_sentence(pledge) -> str:
    period = {
        Period.MONTH: _("Measured each month"),
        Period.QUARTER: _("Measured each quarter"),
        Period.YEAR: _("Measured each year"),
    }[pledge.period]
    scope = _scope(pledge)
    tail = period
    if scope:
        tail = _("%(period)s, %(scope)s") % {"period": period, "scope": ", ".join(scope)}
    # Punctuation and spacing between sentences differ by language (no spaces in Chinese).
    sentence = _then(_main(pledge), _("%(sentence)s.") % {"sentence": tail})
    labels = dict(Exclusion.choices)
    excluded = [str(labels[e]).lower() for e in pledge.exclusions if e in labels]
    if excluded:
        listed = excluded[0]
        for item in excluded[1:]:
            listed = _("%(list)s; %(item)s") % {"list": listed, "item": item}
        sentence = _then(sentence, _("Not counted: %(list)s.") % {"list": listed})
    return sentence


def _then(first: str, second: str) -> str:
    # Translators: one sentence after another; in English a space between them.
    return _("%(first)s %(second)s") % {"first": first, "second": second}


def channel_label(channel: str) -> str:
    """A channel as a sentence says it ("made by web form")."""
    return metrics_channel_label(channel).lower()
