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
    - category_hint: left empty. The stored category is the final one, set together with the
      department on every reassignment, so it is the label in disguise: a model trained on it
      looks perfect on held-back history and picks a threshold far too low for the cases it
      actually routes (those that came without a category);
    - location_hint: the site code or district the case names, if any;
    - label: the department the case FINALLY sat in after every transfer and reassignment
      (every correction by an officer is a label); for agency=None (the front door) the code of
      the agency that finally held it, after transfers between agencies;
    - created_at: when the case arrived (the model keeps the newest cases for comparison).
    Only cases an officer has handled (acknowledged or later) are used, not merged duplicates.
    """
    if not apps.is_installed(CASES_APP):
        return iter(())
    from civicdesk.cases.models import Case

    handled = ["acknowledged", "in_progress", "awaiting_citizen", "resolved", "closed"]
    cases = Case.objects.filter(status__in=handled, merged_into__isnull=True).select_related(
        "agency", "department", "site"
    )
    if agency is not None:
        cases = cases.filter(agency=agency, department__isnull=False)
    return (
        RoutingExample(
            text=f"{case.subject}\n{case.description}",
            kind=case.kind,
            channel=case.channel,
            # Not the category: it is the one the case ended in, which gives the label away
            # (a reassignment changes both), and the model routes cases that came without one.
            category_hint="",
            location_hint=case.site.code if case.site_id else "",
            label=case.department.code if agency is not None else case.agency.code,
            created_at=case.received_at,
        )
        for case in cases.order_by("received_at").iterator(chunk_size=2000)
    )


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

    Text is subject + description, reply the last message sent to the citizen, url the staff page.
    """
    return _case_documents(agency=agency, limit=limit, finished=True)


@register_corpus("open")
def open_cases(*, agency, limit: int) -> Iterable[CorpusDocument]:
    """Cases not yet resolved: what the duplicate flag compares a new case with.

    Same fields as `resolved_cases`, for cases not resolved or closed.
    """
    return _case_documents(agency=agency, limit=limit, finished=False)


def _case_documents(*, agency, limit: int, finished: bool) -> Iterable[CorpusDocument]:
    # The front door (agency=None) routes between agencies; past replies belong to one agency.
    if agency is None or not apps.is_installed(CASES_APP):
        return ()
    from django.db.models import OuterRef, Subquery
    from django.urls import reverse

    from civicdesk.cases.models import Case, CaseMessage, MessageKind

    last_reply = (
        CaseMessage.objects.filter(case=OuterRef("pk"), kind=MessageKind.TO_CITIZEN)
        .order_by("-pk")
        .values("body")[:1]
    )
    finished_statuses = ["resolved", "closed"]
    cases = Case.objects.filter(agency=agency, merged_into__isnull=True)
    cases = (
        cases.filter(status__in=finished_statuses)
        if finished
        else cases.exclude(status__in=finished_statuses)
    )
    cases = cases.annotate(reply=Subquery(last_reply)).order_by("-received_at")[:limit]
    return [
        CorpusDocument(
            key=case.reference,
            text=f"{case.subject}\n{case.description}",
            reply=case.reply or "",
            url=reverse("cases:staff_case", args=[case.reference]),
            status=case.status,
            created_at=case.received_at,
        )
        for case in cases
    ]
