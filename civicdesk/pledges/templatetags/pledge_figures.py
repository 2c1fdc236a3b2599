"""Template help for the transparency pages: a figure's counts in words."""

from django import template

from civicdesk.pledges.periods import period_name as period_name_text
from civicdesk.pledges.sentences import counted as counted_text
from civicdesk.pledges.sentences import figure_words

register = template.Library()


@register.simple_tag
def counted(pledge, result) -> str:
    """`{% counted pledge result %}`: "4056 of 4722 visitors were called in time." """
    return counted_text(pledge, result)


@register.simple_tag
def figure(pledge, value) -> str:
    """`{% figure pledge value %}`: the value with its unit ("61.8%", "21.0 min")."""
    return figure_words(pledge, value)


@register.filter
def period_name(result, period: str = "") -> str:
    """`{{ result|period_name }}`: its period as people read it ("November 2026"), from its
    `period_start` and `period` (or the period given: `{{ alert|period_name:pledge.period }}`)."""
    return period_name_text(result.period_start, period or result.period)
