from django import template
from django.utils.html import avoid_wrapping
from django.utils.timesince import TIME_STRINGS, timesince, timeuntil
from django.utils.translation import gettext as _

from civicdesk.cases.selectors import CLOCK_ACKNOWLEDGEMENT, SOON, case_next_due
from civicdesk.core.clock import now

register = template.Library()


@register.inclusion_tag("cases/includes/clock.html")
def case_clock(case):
    """A tag saying where the case stands against its service standard."""
    at = now()
    if not case.is_open:
        return {"colour": "grey", "text": case.get_status_display()}
    if case.paused_at is not None:
        return {"colour": "blue", "text": _("Paused: waiting for the citizen")}
    if case.acknowledged_at is not None and case.replied_at is not None:
        # The reply owed is sent: its due time no longer counts down (nor turns overdue).
        if case.reply_due_at is not None and case.replied_at > case.reply_due_at:
            return {"colour": "orange", "text": _("Replied late")}
        return {"colour": "green", "text": _("Replied")}
    clock, due = case_next_due(case)  # the queue's own order: the clock that runs out first
    what = _("acknowledgement") if clock == CLOCK_ACKNOWLEDGEMENT else _("reply")
    if case.breached_at is not None or (due is not None and due < at):
        since = timesince(due, at) if due else ""
        return {
            "colour": "red",
            "text": _("Overdue %(what)s by %(time)s") % {"what": what, "time": since},
        }
    if due is None:
        return {"colour": "grey", "text": _("No reply due")}
    colour = "orange" if due - at <= SOON else "green"
    return {
        "colour": colour,
        "text": _("%(what)s due in %(time)s")
        % {"what": what.capitalize(), "time": timeuntil(due, at)},
    }


@register.filter
def duration(seconds) -> str:
    """Working time (a case's paused time, counted in the agency's opening hours) in hours and
    minutes ("27 hours, 30 minutes"), in the language in use. Never in days: "1 day" reads as
    24 hours, which is three working days of pause, not one."""
    minutes_in_all = max(0, int(seconds or 0)) // 60
    hours, minutes = divmod(minutes_in_all, 60)
    parts = []
    if hours:
        parts.append(avoid_wrapping(TIME_STRINGS["hour"] % {"num": hours}))
    if minutes or not hours:
        parts.append(avoid_wrapping(TIME_STRINGS["minute"] % {"num": minutes}))
    return _(", ").join(parts)
