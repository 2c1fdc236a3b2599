"""The pledge in words a citizen understands, built from its definition in the active language."""

from __future__ import annotations

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from civicdesk.core.text import sentences
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


# A figure resting on fewer items than this is shown with a word of caution: with so few, one
# item more or less moves a percentage by several points, so "met" says little.
FEW_ITEMS = 30


def counted(pledge, result) -> str:
    """What a period's figure is made of, in words: the count behind a percentage, never the
    percentage alone ("4056 of 4722 visitors were called in time.")."""
    n, hits = result.count, result.hits
    values = {"n": n, "hits": hits, "detractors": result.aux}
    metric = pledge.metric
    if metric == Metric.TICKETS_WITHIN:
        text = ngettext(
            "%(hits)s of %(n)s visitor was called in time.",
            "%(hits)s of %(n)s visitors were called in time.",
            n,
        )
    elif metric == Metric.CASES_ACK_WITHIN:
        text = ngettext(
            "%(hits)s of %(n)s case was acknowledged in time.",
            "%(hits)s of %(n)s cases were acknowledged in time.",
            n,
        )
    elif metric == Metric.CASES_REPLY_WITHIN:
        text = ngettext(
            "%(hits)s of %(n)s case was replied to in time.",
            "%(hits)s of %(n)s cases were replied to in time.",
            n,
        )
    elif metric == Metric.CASES_FIRST_CONTACT:
        text = ngettext(
            "%(hits)s of %(n)s case was resolved at first contact.",
            "%(hits)s of %(n)s cases were resolved at first contact.",
            n,
        )
    elif metric == Metric.CSAT:
        text = ngettext(
            "%(hits)s of %(n)s person who answered was satisfied.",
            "%(hits)s of %(n)s people who answered were satisfied.",
            n,
        )
    elif metric == Metric.CES:
        text = ngettext(
            "%(hits)s of %(n)s person who answered found us easy to deal with.",
            "%(hits)s of %(n)s people who answered found us easy to deal with.",
            n,
        )
    elif metric == Metric.APPOINTMENTS_ON_TIME:
        text = ngettext(
            "%(hits)s of %(n)s appointment started on time.",
            "%(hits)s of %(n)s appointments started on time.",
            n,
        )
    elif metric == Metric.NPS:
        values["promoters"] = hits
        text = ngettext(
            "Based on %(n)s answer: %(promoters)s promoters, %(detractors)s detractors.",
            "Based on %(n)s answers: %(promoters)s promoters, %(detractors)s detractors.",
            n,
        )
    else:  # the waits: an average or a percentile of visitors' waits
        text = ngettext("Based on %(n)s visitor.", "Based on %(n)s visitors.", n)
    text = text % values
    if 0 < n < FEW_ITEMS:
        text = _then(text, _("Too few to be sure: one more or one fewer changes the figure a lot."))
    return text


def target_words(pledge) -> str:
    """The target with its unit, as the pages print it ("at least 90.0%", "at most 30.0 min")."""
    from civicdesk.pledges.metrics import lower_is_better

    v = f"{float(pledge.target):.1f}"
    if lower_is_better(pledge.metric):
        return _("at most %(v)s min") % {"v": v}
    if pledge.metric != Metric.NPS:
        return _("at least %(v)s%%") % {"v": v}
    return _("at least %(v)s") % {"v": v}


def measure(pledge) -> str:
    """What a pledge measures, in a few words ("Customer satisfaction (CSAT)")."""
    return str(dict(Metric.choices)[pledge.metric])


def chart_title(pledge) -> str:
    """The accessible name of a pledge's trend chart and the caption of its table: one per
    pledge, so that a list of a page's graphics or tables tells them apart."""
    return _("Achievement by period: %(measure)s") % {"measure": measure(pledge)}


def figure_words(pledge, value) -> str:
    """A figure with its unit, as the pages print it ("61.8%", "21.0 min")."""
    from civicdesk.pledges.metrics import lower_is_better

    if value is None:
        return _("no data yet")
    v = f"{float(value):.1f}"
    if lower_is_better(pledge.metric):
        return _("%(v)s min") % {"v": v}
    if pledge.metric != Metric.NPS:
        return f"{v}%"
    return v


def report_summary(
    *, month: str, total: int, by_standing: dict[str, list], month_over: bool
) -> str:
    """The monthly report's summary: the counts first, then how a quarterly or yearly pledge is
    judged; for a month without any data, that there is none (not "0 of 6 pledges met")."""
    met, on_track, missed, behind, no_data = (
        len(by_standing[str(s)]) for s in ("met", "on_track", "missed", "behind", "no_data")
    )
    if total and no_data == total:
        return _("There is no data for %(month)s.") % {"month": month}
    if month_over:
        parts = [
            ngettext(
                "%(met)s of %(total)s pledges met this month.",
                "%(met)s of %(total)s pledges met this month.",
                met,
            )
            % {"met": met, "total": total}
        ]
        if on_track:
            parts.append(
                ngettext("%(n)s on track so far.", "%(n)s on track so far.", on_track)
                % {"n": on_track}
            )
    else:
        parts = [
            ngettext(
                "%(n)s of %(total)s pledges on track so far.",
                "%(n)s of %(total)s pledges on track so far.",
                on_track,
            )
            % {"n": on_track, "total": total}
        ]
    if missed:
        parts.append(ngettext("%(n)s missed.", "%(n)s missed.", missed) % {"n": missed})
    if behind:
        parts.append(
            ngettext("%(n)s behind so far.", "%(n)s behind so far.", behind) % {"n": behind}
        )
    if no_data:
        parts.append(
            ngettext("%(n)s with no data yet.", "%(n)s with no data yet.", no_data) % {"n": no_data}
        )
    parts.append(_("A quarterly or yearly pledge is judged over its quarter or year so far."))
    return sentences(*parts)
