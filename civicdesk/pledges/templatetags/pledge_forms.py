"""Template help for the pledge form's hand-written selects."""

from django import template

register = template.Library()


@register.filter
def choice_groups(choices) -> list[tuple[str | None, list]]:
    """A field's choices as (group label or None, [(value, label), ...]): grouped choices (the
    channels of cases and of queue tickets) become an <optgroup> each instead of a list shown
    as text."""
    groups: list[tuple[str | None, list]] = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            groups.append((value, list(label)))
        elif groups and groups[-1][0] is None:
            groups[-1][1].append((value, label))
        else:
            groups.append((None, [(value, label)]))
    return groups
