"""The narrow doors between routing and the rest of civicdesk (the cases app in particular).

Routing never imports the cases app at module level. Two adapters read from it when it is
installed; until then they yield nothing, and everything else in routing still works from
examples handed to it directly (the CLI, the demo, the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps

from civicdesk.routing.model import Example

CASES_APP = "civicdesk.cases"


@dataclass(frozen=True)
class RoutingExample:
    """One past case as the routing model learns from it.

    label: the department code the case finally belonged to, or the agency code for the
    shared front door (which routes between agencies).
    """

    text: str
    kind: str
    channel: str
    category_hint: str
    location_hint: str
    label: str
    created_at: datetime | None = None

    def as_example(self) -> Example:
        return Example(
            text=self.text,
            kind=self.kind,
            channel=self.channel,
            category_hint=self.category_hint,
            location_hint=self.location_hint,
            label=self.label,
        )


def routing_examples(*, agency=None) -> Iterable[RoutingExample]:
    """Past cases to learn routing from; empty until the cases app is installed.

    Reads, per Case (WIRE WHEN MERGING `cases`):
    - text: `subject` + "\\n" + `description` (the citizen's own words as first received);
    - kind (enquiry | complaint | compliment | suggestion | service request) and channel;
    - category_hint: the category the citizen or intake picked, if any;
    - location_hint: the site code or district the case names, if any;
    - label: the department the case FINALLY sat in after every transfer and reassignment
      (every correction by an officer is a label); for agency=None (the front door) the code of
      the agency that finally held it, after transfers between agencies;
    - created_at: when the case arrived (the model keeps the newest cases for comparison).
    Only cases an officer has handled (acknowledged or later) are used, not merged duplicates.
    """
    if not apps.is_installed(CASES_APP):
        return iter(())
    # Deliberately not written yet: the cases app lands on another branch. The lead wires the
    # queryset here (see the docstring for the fields), e.g.
    #   Case.objects.filter(agency=agency, status__in=[...]).select_related("department", ...)
    return iter(())


# --- the similar-cases corpus --------------------------------------------------------------


@dataclass(frozen=True)
class CorpusDocument:
    """A past case an officer can learn from: its words and (if resolved) the reply sent."""

    key: str  # e.g. the case reference
    text: str
    reply: str = ""
    url: str = ""
    status: str = ""
    created_at: datetime | None = None


CorpusFn = Callable[..., Iterable[CorpusDocument]]
_CORPORA: dict[str, CorpusFn] = {}


def register_corpus(name: str) -> Callable[[CorpusFn], CorpusFn]:
    """Register a corpus: `fn(*, agency, limit) -> Iterable[CorpusDocument]`."""

    def decorator(fn: CorpusFn) -> CorpusFn:
        _CORPORA[name] = fn
        return fn

    return decorator


def corpus_documents(name: str, *, agency, limit: int) -> Iterator[CorpusDocument]:
    fn = _CORPORA.get(name)
    if fn is None:
        return iter(())
    return iter(fn(agency=agency, limit=limit))


@register_corpus("resolved")
def resolved_cases(*, agency, limit: int) -> Iterable[CorpusDocument]:
    """Resolved and closed cases of the agency, newest first, with the reply sent.

    WIRE WHEN MERGING `cases`: subject + description as text, the final reply message as reply,
    the staff URL of the case as url; at most `limit` documents.
    """
    if not apps.is_installed(CASES_APP):
        return ()
    return ()


@register_corpus("open")
def open_cases(*, agency, limit: int) -> Iterable[CorpusDocument]:
    """Cases not yet resolved: what the duplicate flag compares a new case with.

    WIRE WHEN MERGING `cases`: same fields as `resolved_cases`, status not resolved/closed.
    """
    if not apps.is_installed(CASES_APP):
        return ()
    return ()
