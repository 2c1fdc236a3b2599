"""Reads at intake: where does this case belong, why, and which past cases are like it.

`routing_suggest` never raises for a citizen's input: with no model, empty text or a broken
artifact it returns a suggestion that sends the case to triage (auto_route False, reason set).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from sklearn.feature_extraction.text import TfidfVectorizer

from civicdesk.organisations.models import Agency, Department
from civicdesk.routing import artifact
from civicdesk.routing.adapters import CorpusDocument, corpus_documents
from civicdesk.routing.model import Example, normalise_text
from civicdesk.routing.models import ModelVersion

log = logging.getLogger("civicdesk.routing")


@dataclass(frozen=True)
class Candidate:
    code: str  # department code (or agency code at the front door)
    name: str
    confidence: float  # calibrated probability, 0..1
    department_id: int | None = None
    agency_id: int | None = None
    # The name in the reader's language, for pages; `name` (the English) stays the API's.
    display_name: str = ""


@dataclass(frozen=True)
class Suggestion:
    candidates: list[Candidate]  # best first, at most three
    auto_route: bool  # the first candidate clears the agency's threshold: route without triage
    threshold: float | None
    terms: list[tuple[str, float]] = field(default_factory=list)  # what weighed most, for #1
    version: int | None = None
    reason: str = ""  # why it goes to triage, when it does

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def serving_version(agency: Agency | None) -> ModelVersion | None:
    return (
        ModelVersion.objects.filter(agency=agency, is_active=True)
        .exclude(artifact_sha256="")
        .only("id", "number", "threshold", "artifact_sha256", "agency_id")
        .first()
    )


def _destinations(
    agency: Agency | None, codes: list[str]
) -> dict[str, tuple[str, int | None, int, str]]:
    """code -> (name, department_id or None, agency_id, name in the reader's language) for
    active destinations only."""
    if agency is None:
        agencies = Agency.objects.filter(code__in=codes, is_active=True).only(
            "code", "name", "names"
        )
        return {a.code: (a.name, None, a.pk, a.local_name()) for a in agencies}
    departments = Department.objects.filter(agency=agency, code__in=codes, is_active=True).only(
        "code", "name", "names"
    )
    return {d.code: (d.name, d.pk, agency.pk, d.local_name()) for d in departments}


def routing_suggest(
    *,
    agency: Agency | None,
    text: str,
    kind: str = "",
    channel: str = "",
    category_hint: str = "",
    location_hint: str = "",
    explain: bool = True,
) -> Suggestion:
    """Top-3 destinations with calibrated confidence for a new case of `agency`.

    agency=None asks the shared front door, which suggests agencies. auto_route is True only
    when the best destination's confidence reaches the threshold the serving version chose for
    the agency's precision target, and that destination is still active.
    """
    version = serving_version(agency)
    if version is None:
        return Suggestion([], False, None, reason=_("No routing model is serving yet."))
    example = Example(
        text=text or "",
        kind=kind,
        channel=channel,
        category_hint=category_hint,
        location_hint=location_hint,
    )
    if not normalise_text(example.text) and not (kind or channel or category_hint):
        return Suggestion(
            [], False, version.threshold, version=version.number, reason=_("The case has no text.")
        )
    try:
        model = artifact.load(version_id=version.pk, sha256=version.artifact_sha256)
        proba = model.predict_proba([example])[0]
    except Exception:  # intake must go on: triage decides
        log.exception("routing version %s failed to suggest", version.pk)
        return Suggestion(
            [], False, None, version=version.number, reason=_("The routing model failed.")
        )
    order = [int(i) for i in np.argsort(-proba)]
    places = _destinations(agency, model.labels)
    candidates = []
    for i in order:
        code = model.labels[i]
        if code in places:
            name, department_id, agency_id, local = places[code]
            candidates.append(
                Candidate(code, name, round(float(proba[i]), 4), department_id, agency_id, local)
            )
        if len(candidates) == 3:
            break
    top = candidates[0] if candidates else None
    best_code = model.labels[order[0]]
    auto = top is not None and top.code == best_code and top.confidence >= model.threshold
    reason = ""
    if top is None:
        reason = _("The model's destinations no longer exist.")
    elif not auto:
        reason = _("Not sure enough to route automatically.")
    terms = []
    if explain and top is not None:
        terms = [(t.term, t.weight) for t in model.explain(example, top.code)]
    return Suggestion(
        candidates=candidates,
        auto_route=auto,
        threshold=model.threshold,
        terms=terms,
        version=version.number,
        reason=reason,
    )


# --- similar past cases --------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarCase:
    document: CorpusDocument
    score: float  # cosine similarity, 0..1


SIMILAR_MIN_SCORE = 0.2
MAX_SUGGEST_CHARS = 20_000
DUPLICATE_MIN_SCORE = 0.6


def _vectorizer() -> TfidfVectorizer:
    # Character n-grams: the same similarity for English and Chinese, robust to typos.
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)


def rank_similar(
    text: str, documents: list[CorpusDocument], *, limit: int = 5, min_score: float = 0.2
) -> list[SimilarCase]:
    """The documents most like `text`, best first, above `min_score`."""
    query = normalise_text(text)
    documents = [d for d in documents if normalise_text(d.text)]
    if not query or not documents:
        return []
    vectorizer = _vectorizer()
    matrix = vectorizer.fit_transform([normalise_text(d.text) for d in documents] + [query])
    scores = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    best = np.argsort(-scores)[:limit]
    return [
        SimilarCase(documents[i], round(float(scores[i]), 4))
        for i in best
        if scores[i] >= min_score
    ]


def similar_cases(
    *,
    agency: Agency | None,
    text: str,
    corpus: str | list[CorpusDocument] = "resolved",
    limit: int = 5,
    min_score: float = SIMILAR_MIN_SCORE,
    corpus_limit: int = 5000,
) -> list[SimilarCase]:
    """The past cases most like this one, with their replies, so answers stay consistent.

    `corpus` is a registered corpus name ("resolved": resolved cases with replies; "open": cases
    still open) or a list of CorpusDocument to search directly.
    """
    documents = (
        list(corpus)
        if isinstance(corpus, list)
        else list(corpus_documents(corpus, agency=agency, limit=corpus_limit))
    )
    return rank_similar(text, documents, limit=limit, min_score=min_score)


def likely_duplicates(
    *,
    agency: Agency | None,
    text: str,
    corpus: str | list[CorpusDocument] = "open",
    min_score: float = DUPLICATE_MIN_SCORE,
) -> list[SimilarCase]:
    """Open cases so like this one that an officer should check for a duplicate."""
    return similar_cases(agency=agency, text=text, corpus=corpus, limit=5, min_score=min_score)
