"""The routing model itself: features, fitting, calibrated confidence, evaluation, explanations.

Pure scikit-learn and numpy; no Django. One code path for every language:
- word uni/bi-grams (TF-IDF, sublinear) carry English and other space-separated languages;
- character n-grams inside word boundaries (char_wb 1-5) carry Chinese, Japanese and Thai,
  which have no spaces (single characters included: 水, 燈), and give spelling-variant
  robustness to the rest;
- categorical hints (kind, channel, category, location) as `key=value` tokens;
- optionally (`embeddings=<encoder>`, an extra, see `routing/embeddings.py`) the text's
  sentence embedding, so that a word never seen in training, or (multilingual encoder) a
  Chinese case among English history, still lands near cases that mean the same.
A linear SVM is fitted on the lot and calibrated with Platt scaling on internal folds
(`CalibratedClassifierCV`), so the confidence shown is a probability a threshold can be put on.
"""

from __future__ import annotations

import re
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

MAX_TEXT_CHARS = 5000  # a pasted 2 MB e-mail thread is cut, not choked on
MIN_EXAMPLES_PER_LABEL = 5  # fewer than this and a label is left to the triage officer
MIN_AUTO_ROUTE_SUPPORT = 20  # a threshold needs this many held-back cases above it
CALIBRATION_FOLDS = 3
LARGE_HISTORY = 20_000  # above this, one held-back split instead of k folds
HOLDOUT_CASES = 5_000
LARGE_EPOCHS = 20
TOP_K = 3
NO_AUTO_ROUTE = 1.01  # a threshold no probability reaches
WORD_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default: words of two or more letters
META_PATTERN = r"\S+"  # kind=complaint channel=web ...

# The SVM's C is picked per training from these by held-back log-loss: on a few hundred cases
# a department C 0.1 beat 0.5 by about a point of top-1 (CFPB complaints, 10x5-fold CV, see
# docs/routing.md), but on a handful per department its Platt calibration can flip the ranking.
SVM_C_CANDIDATES = (0.1, 0.5)
SVM_C = 0.5

ProgressFn = Callable[[str, float], None]


@dataclass(frozen=True)
class Example:
    """What the model sees of one case. `label` is empty when unknown (at suggestion time)."""

    text: str
    kind: str = ""
    channel: str = ""
    category_hint: str = ""
    location_hint: str = ""
    label: str = ""


class RoutingDataError(ValueError):
    """Training data the model cannot learn from; the message says what to fix."""


def normalise_text(text: str | None) -> str:
    """NFKC (full-width Latin and digits become ASCII), lower case, bounded length."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)[: MAX_TEXT_CHARS * 2])
    return re.sub(r"\s+", " ", text).strip().lower()[:MAX_TEXT_CHARS]


def _meta_tokens(example: Example) -> str:
    parts = []
    for key, value in (
        ("kind", example.kind),
        ("channel", example.channel),
        ("category", example.category_hint),
        ("location", example.location_hint),
    ):
        value = re.sub(r"\s+", "_", (value or "").strip().lower())
        if value:
            parts.append(f"{key}={value}")
    return " ".join(parts) or "none"


def to_matrix(examples: Sequence[Example]) -> np.ndarray:
    rows = np.empty((len(examples), 2), dtype=object)
    for i, example in enumerate(examples):
        rows[i, 0] = normalise_text(example.text)
        rows[i, 1] = _meta_tokens(example)
    return rows


FEATURES_TFIDF = "tfidf"


def features_name(embeddings: str = "") -> str:
    """What a model is built from, as recorded in it: "tfidf" or "tfidf+<encoder>"."""
    return f"{FEATURES_TFIDF}+{embeddings}" if embeddings else FEATURES_TFIDF


def build_features(*, min_df: int = 1, embeddings: str = "") -> ColumnTransformer:
    """`embeddings`: the name of a sentence encoder (routing/embeddings.py), or "" for none."""
    extra = []
    if embeddings:
        from civicdesk.routing.embeddings import SentenceEmbedding

        extra = [("embed", SentenceEmbedding(encoder=embeddings), 0)]
    return ColumnTransformer(
        [
            (
                "word",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=min_df,
                    max_features=200_000,
                    token_pattern=WORD_PATTERN,
                    dtype=np.float32,
                ),
                0,
            ),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(1, 5),
                    sublinear_tf=True,
                    min_df=min_df,
                    max_features=200_000,
                    dtype=np.float32,
                ),
                0,
            ),
            (
                "meta",
                CountVectorizer(token_pattern=META_PATTERN, binary=True, lowercase=False),
                1,
            ),
            *extra,
        ],
        # 512 dense columns beside ~10^5 sparse ones: keep the whole row sparse.
        **({"sparse_threshold": 1.0} if embeddings else {}),
    )


def build_pipeline(
    *, n_train: int, calibrate: bool = True, c: float = SVM_C, embeddings: str = ""
) -> Pipeline:
    svm = LinearSVC(C=c, class_weight="balanced", dual="auto", max_iter=5000)
    classifier = (
        CalibratedClassifierCV(svm, method="sigmoid", cv=CALIBRATION_FOLDS, ensemble=False)
        if calibrate
        else svm
    )
    # Above ~20k cases a term seen once is mostly noise and memory.
    return Pipeline(
        [
            (
                "features",
                build_features(min_df=2 if n_train > 20_000 else 1, embeddings=embeddings),
            ),
            ("classifier", classifier),
        ]
    )


def build_baseline() -> Pipeline:
    """The plain TF-IDF + linear model the issue measures against: words only, no tuning."""
    return Pipeline(
        [
            ("tfidf", TfidfVectorizer()),
            ("classifier", LogisticRegression(max_iter=1000)),
        ]
    )


# --- preparing labels ---------------------------------------------------------------------


@dataclass
class Prepared:
    examples: list[Example]
    labels: list[str]
    positions: list[int]  # where each kept example stood in the input
    dropped: dict[str, int] = field(default_factory=dict)  # label -> count, too few to learn


def prepare(examples: Iterable[Example]) -> Prepared:
    """Drop unlabelled and empty rows, and labels with too few examples to learn from."""
    kept = [
        (i, e)
        for i, e in enumerate(examples)
        if e.label and (normalise_text(e.text) or _meta_tokens(e) != "none")
    ]
    counts = Counter(e.label for _i, e in kept)
    dropped = {label: n for label, n in counts.items() if n < MIN_EXAMPLES_PER_LABEL}
    kept = [(i, e) for i, e in kept if e.label not in dropped]
    labels = sorted({e.label for _i, e in kept})
    if len(labels) < 2:
        raise RoutingDataError(
            f"Need at least two destinations with {MIN_EXAMPLES_PER_LABEL} or more cases each; "
            f"found {len(labels)} ({sum(counts.values())} labelled cases)."
        )
    return Prepared(
        examples=[e for _i, e in kept],
        labels=labels,
        positions=[i for i, _e in kept],
        dropped=dropped,
    )


# --- thresholds and evaluation ------------------------------------------------------------


def choose_threshold(
    confidence: np.ndarray, correct: np.ndarray, *, precision_target: float
) -> float:
    """The lowest confidence at which the cases above it are right at least `precision_target`.

    Held-back (out-of-fold) predictions only. Needs MIN_AUTO_ROUTE_SUPPORT cases above the
    threshold, otherwise nothing is routed automatically.
    """
    if len(confidence) == 0:
        return NO_AUTO_ROUTE
    order = np.argsort(-confidence, kind="stable")
    conf = confidence[order]
    hits = np.cumsum(correct[order].astype(float))
    precision = hits / np.arange(1, len(conf) + 1)
    # Only cut between distinct confidence values: ties go in or out together.
    last_of_tie = np.append(conf[1:] < conf[:-1], True)
    ok = (precision >= precision_target) & last_of_tie
    ok[: MIN_AUTO_ROUTE_SUPPORT - 1] = False
    if not ok.any():
        return NO_AUTO_ROUTE
    # The longest prefix that still meets the target.
    best = int(np.nonzero(ok)[0].max())
    return float(conf[best])


def evaluate_predictions(
    *,
    labels: Sequence[str],
    y_true: Sequence[str],
    proba: np.ndarray,
    threshold: float,
) -> dict:
    """Accuracy, top-3, macro-F1, per-label precision/recall, confusion matrix, coverage."""
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    n = len(y_true)
    order = np.argsort(-proba, axis=1)
    top1 = [labels[i] for i in order[:, 0]] if n else []
    top3_sets = [{labels[i] for i in row[:TOP_K]} for row in order] if n else []
    confidence = proba.max(axis=1) if n else np.array([])
    correct = np.array([p == t for p, t in zip(top1, y_true, strict=True)], dtype=bool)
    routed = confidence >= threshold
    seen_true = [t for t in y_true if t in index]
    all_labels = labels + sorted({t for t in y_true if t not in index})
    confusion = np.zeros((len(all_labels), len(all_labels)), dtype=int)
    pos = {label: i for i, label in enumerate(all_labels)}
    for t, p in zip(y_true, top1, strict=True):
        confusion[pos[t], pos[p]] += 1
    per_label = []
    for label in all_labels:
        i = pos[label]
        tp = int(confusion[i, i])
        predicted = int(confusion[:, i].sum())
        actual = int(confusion[i, :].sum())
        per_label.append(
            {
                "label": label,
                "support": actual,
                "precision": round(tp / predicted, 4) if predicted else 0.0,
                "recall": round(tp / actual, 4) if actual else 0.0,
                "known": label in index,
            }
        )
    return {
        "n": n,
        "top1": round(float(correct.mean()), 4) if n else 0.0,
        "top3": round(float(np.mean([t in s for t, s in zip(y_true, top3_sets, strict=True)])), 4)
        if n
        else 0.0,
        "macro_f1": round(
            float(f1_score(y_true, top1, labels=all_labels, average="macro", zero_division=0)), 4
        )
        if n
        else 0.0,
        "threshold": round(float(threshold), 4),
        "coverage": round(float(routed.mean()), 4) if n else 0.0,
        "precision_routed": round(float(correct[routed].mean()), 4) if routed.any() else None,
        "unseen_labels": sorted({t for t in y_true if t not in index}),
        "n_unseen": len(y_true) - len(seen_true),
        "labels": all_labels,
        "confusion": confusion.tolist(),
        "per_label": per_label,
    }


# --- the fitted model ---------------------------------------------------------------------


@dataclass
class Term:
    term: str
    weight: float


@dataclass
class Ranked:
    label: str
    confidence: float


class RoutingModel:
    """A fitted pipeline plus what it needs to decide: its labels and threshold."""

    def __init__(
        self,
        pipeline: Pipeline,
        *,
        threshold: float,
        precision_target: float,
        features: str = FEATURES_TFIDF,
    ):
        self.pipeline = pipeline
        self.threshold = threshold
        self.precision_target = precision_target
        self.features = features  # what a machine must have to use it (artifact.load checks)
        self.labels: list[str] = [str(c) for c in pipeline.classes_]
        self._coef = None
        self._names = None
        self._fast = None

    @property
    def uses_embeddings(self) -> bool:
        return self.encoder != ""

    @property
    def encoder(self) -> str:
        """The sentence encoder the model needs, or "" (models from before it: none)."""
        _tfidf, _plus, encoder = getattr(self, "features", FEATURES_TFIDF).partition("+")
        return encoder

    def __getstate__(self) -> dict:
        # Derived caches are rebuilt after loading; only the fitted pipeline is stored.
        return {**self.__dict__, "_coef": None, "_names": None, "_fast": None}

    # Suggestions ---------------------------------------------------------------------------
    def predict_proba(self, examples: Sequence[Example]) -> np.ndarray:
        if len(examples) == 1:
            fast = self._fast_scorer()
            if fast is not None:
                return fast.predict_proba(examples[0])[None, :]
        return self.pipeline.predict_proba(to_matrix(examples))

    def _fast_scorer(self):
        """scikit-learn's per-call checks cost ~5 ms for one short text; intake scores one case
        at a time, so a direct path does the same arithmetic. Checked against the pipeline once;
        any mismatch and the pipeline is used."""
        if getattr(self, "_fast", None) is None:
            try:
                fast = FastScorer(self.pipeline)
                probe = Example(text="probe text 测试 ok", kind="complaint", channel="web")
                expected = self.pipeline.predict_proba(to_matrix([probe]))[0]
                fast_ok = bool(np.allclose(fast.predict_proba(probe), expected, atol=1e-4))
            except Exception:
                fast_ok = False
            self._fast = fast if fast_ok else False
        return self._fast or None

    def rank(self, example: Example, *, k: int = TOP_K) -> list[Ranked]:
        proba = self.predict_proba([example])[0]
        order = np.argsort(-proba)[:k]
        return [Ranked(self.labels[i], round(float(proba[i]), 4)) for i in order]

    # Explanations --------------------------------------------------------------------------
    def _linear_parts(self):
        if self._coef is None:
            classifier = self.pipeline.named_steps["classifier"]
            if isinstance(classifier, CalibratedClassifierCV):
                coefs = [_linear(c.estimator).coef_ for c in classifier.calibrated_classifiers_]
                coef = np.mean(coefs, axis=0)
            else:
                coef = classifier.coef_
            if coef.shape[0] == 1:  # binary: one row for the positive class
                coef = np.vstack([-coef[0], coef[0]])
            self._coef = coef
            self._names = self.pipeline.named_steps["features"].get_feature_names_out()
        return self._coef, self._names

    def explain(self, example: Example, label: str, *, k: int = 8) -> list[Term]:
        """The terms present in this case that pushed most towards `label` (coef × tf-idf)."""
        if label not in self.labels:
            return []
        coef, names = self._linear_parts()
        row = self.pipeline.named_steps["features"].transform(to_matrix([example])).tocsr()
        contributions = row.data * coef[self.labels.index(label), row.indices]
        terms: dict[str, float] = {}
        for feature, weight in zip(row.indices, contributions, strict=True):
            kind, _sep, term = names[feature].partition("__")
            term = term.strip()
            if kind == "char" and len(term) < 2:
                continue  # single characters explain nothing to a person
            if kind == "char" and term.isascii():
                continue  # "tr", "ac": pieces of Latin words, which the word features name whole
            if kind == "meta":
                continue  # "channel=web" is a hint, not a word of the case (the page lists words)
            if kind == "embed":
                continue  # an embedding dimension is not something a person can read
            if _is_stop_term(term):
                continue  # "from", "the", 的: weighed, but name nothing a person can check
            terms[term] = terms.get(term, 0.0) + float(weight)
        ranked = sorted(terms.items(), key=lambda kv: -kv[1])
        chosen: list[Term] = []
        for term, weight in ranked:
            if weight <= 0 or len(chosen) >= k:
                break
            # "leak" after "leaking" adds nothing a person can check.
            if any(term in c.term or c.term in term for c in chosen):
                continue
            chosen.append(Term(term, round(weight, 4)))
        return chosen


# Words that say nothing of a case's topic ("from", "the", 的): never listed among the words
# that weighed most, though the model still reads them. English: scikit-learn's list, less the
# words in it that do name a topic here (a fire, a bill, bins full or empty). Chinese, which
# the model reads in runs of characters: a run with a particle in it (板的漏) spans two words;
# one that begins or ends with a conjunction, preposition or pronoun (在大廈) is a fragment;
# except in the few words these characters are part of (的士, a taxi).
EXPLAIN_STOP_WORDS = ENGLISH_STOP_WORDS - {
    "amount", "bill", "bottom", "call", "detail", "empty", "fill", "fire", "front", "full",
    "interest", "mill", "part", "side", "system", "thick", "thin", "top",
}  # fmt: skip
CHINESE_PARTICLES = frozenset("的了着著嗎吗呢吧啊呀")
CHINESE_EDGE_STOP = CHINESE_PARTICLES | frozenset(
    "是在和與与及或也都就而之把被這这那個个們们我你他她它"
)
CHINESE_WORDS_WITH_PARTICLES = ("的士", "目的", "了解", "著名", "顯著", "显著", "除了")


def _is_stop_term(term: str) -> bool:
    """A stop word, or a phrase or run of characters that is a fragment around one ("from
    the", "the lift", 的漏水, 板的漏): not a word a person would point to."""
    words = term.split()
    if not words:
        return True
    if words[0] in EXPLAIN_STOP_WORDS or words[-1] in EXPLAIN_STOP_WORDS:
        return True
    for word in CHINESE_WORDS_WITH_PARTICLES:
        term = term.replace(word, "□")  # a whole word: neither a particle nor an edge
    if any(character in CHINESE_PARTICLES for character in term):
        return True
    return term[0] in CHINESE_EDGE_STOP or term[-1] in CHINESE_EDGE_STOP


def _linear(estimator):
    """The linear model inside a calibrator (unwrapping a FrozenEstimator)."""
    return estimator.estimator if isinstance(estimator, FrozenEstimator) else estimator


class FastScorer:
    """The fitted pipeline's arithmetic for one example, without scikit-learn's per-call overhead.

    Mirrors TfidfVectorizer.transform (counts, sublinear tf, idf, l2), CountVectorizer(binary),
    the linear model's decision_function (LinearSVC or SGDClassifier) and CalibratedClassifierCV's sigmoid calibration + normalisation.
    A sentence embedding block (the `embeddings` extra) is computed by its own transformer and
    dotted with its slice of the weights.
    """

    def __init__(self, pipeline: Pipeline):
        features = pipeline.named_steps["features"]
        classifier = pipeline.named_steps["classifier"]
        if (
            not isinstance(classifier, CalibratedClassifierCV)
            or len(classifier.calibrated_classifiers_) != 1
        ):
            raise TypeError("fast path needs one calibrated LinearSVC")
        calibrated = classifier.calibrated_classifiers_[0]
        self.parts = []
        self.dense = []  # (column, transformer, first weight row, width)
        offset = 0
        for _name, vectorizer, column in features.transformers_:
            if vectorizer == "drop":
                continue
            if not hasattr(vectorizer, "vocabulary_"):
                width = len(vectorizer.get_feature_names_out())
                self.dense.append((column, vectorizer, offset, width))
                offset += width
                continue
            vocabulary = vectorizer.vocabulary_
            idf = getattr(vectorizer, "idf_", None)
            self.parts.append(
                (
                    column,
                    vectorizer.build_analyzer(),
                    vocabulary,
                    offset,
                    None if idf is None else np.asarray(idf, dtype=np.float64),
                    bool(getattr(vectorizer, "sublinear_tf", False)),
                    getattr(vectorizer, "norm", None),
                    bool(getattr(vectorizer, "binary", False)),
                )
            )
            offset += len(vocabulary)
        svm = _linear(calibrated.estimator)
        self.coef = np.ascontiguousarray(svm.coef_.T)  # features x rows
        self.intercept = svm.intercept_
        self.a = np.array([c.a_ for c in calibrated.calibrators])
        self.b = np.array([c.b_ for c in calibrated.calibrators])
        self.n_classes = len(classifier.classes_)

    def predict_proba(self, example: Example) -> np.ndarray:
        row = to_matrix([example])[0]
        indices, values = [], []
        for column, analyze, vocabulary, offset, idf, sublinear, norm, binary in self.parts:
            counts = Counter(vocabulary[t] for t in analyze(row[column]) if t in vocabulary)
            if not counts:
                continue
            idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            val = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if binary:
                val = np.ones_like(val)
            if idf is not None:
                if sublinear:
                    val = np.log(val) + 1.0
                val = val * idf[idx]
                if norm == "l2":
                    length = np.sqrt(np.dot(val, val))
                    if length > 0:
                        val = val / length
            indices.append(idx + offset)
            values.append(val)
        if indices:
            idx = np.concatenate(indices)
            decision = np.concatenate(values) @ self.coef[idx] + self.intercept
        else:
            decision = np.array(self.intercept, dtype=np.float64)
        for column, transformer, start, width in self.dense:
            vector = transformer.transform(np.array([row[column]], dtype=object))[0]
            decision = decision + vector @ self.coef[start : start + width]
        proba = 1.0 / (1.0 + np.exp(self.a * decision + self.b))
        if self.n_classes == 2:
            return np.array([1.0 - proba[0], proba[0]])
        total = proba.sum()
        if total == 0:
            return np.full(self.n_classes, 1.0 / self.n_classes)
        return proba / total


# --- fitting with an honest evaluation ----------------------------------------------------


def out_of_fold_proba(
    prepared: Prepared,
    *,
    folds: int,
    progress: ProgressFn | None = None,
    c: float = SVM_C,
    embeddings: str = "",
) -> np.ndarray:
    """Probabilities for each example from a model that never saw it (stratified k-fold)."""
    y = np.array([e.label for e in prepared.examples])
    smallest = min(Counter(y).values())
    folds = max(2, min(folds, smallest))
    proba = np.zeros((len(y), len(prepared.labels)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for i, (train, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
        if progress:
            progress(f"held-back fold {i + 1} of {folds}", 0.85 * i / folds)
        pipeline = build_pipeline(n_train=len(train), c=c, embeddings=embeddings)
        pipeline.fit(to_matrix([prepared.examples[j] for j in train]), y[train])
        fold_proba = pipeline.predict_proba(to_matrix([prepared.examples[j] for j in test]))
        columns = [prepared.labels.index(str(c)) for c in pipeline.classes_]
        proba[np.ix_(test, columns)] = fold_proba
    return proba


@dataclass
class TrainingResult:
    model: RoutingModel
    evaluation: dict
    n_train: int
    dropped: dict[str, int]
    seconds: float
    oof_proba: np.ndarray  # held-back probabilities, one row per evaluated example
    positions: list[int]  # input position of each evaluated example


def held_back_proba(
    prepared: Prepared, *, progress: ProgressFn | None = None, embeddings: str = ""
) -> tuple[np.ndarray, np.ndarray, str, float]:
    """Rows evaluated, their held-back probabilities, the method, and the SVM's C.

    Stratified k-fold (up to 5) for each C in SVM_C_CANDIDATES on the same folds; the C whose
    held-back probabilities give the true department the lowest log-loss wins (a proper score:
    it rewards the calibration the threshold relies on, not only the ranking).
    """
    y = np.array([e.label for e in prepared.examples])
    folds = max(2, min(5, min(Counter(y).values())))
    truth = np.array([prepared.labels.index(label) for label in y])
    best = None
    for i, c in enumerate(SVM_C_CANDIDATES):
        share = 0.85 / len(SVM_C_CANDIDATES)

        def report(note: str, fraction: float, i=i, c=c, share=share) -> None:
            if progress:
                progress(f"C={c}: {note}", share * i + fraction / 0.85 * share)

        proba = out_of_fold_proba(
            prepared, folds=folds, progress=report, c=c, embeddings=embeddings
        )
        loss = float(-np.mean(np.log(np.clip(proba[np.arange(len(y)), truth], 1e-9, 1.0))))
        if best is None or loss < best[0]:
            best = (loss, c, proba)
    _loss, c, proba = best
    return np.arange(len(y)), proba, f"{folds}-fold held-back (C={c})", c


def fit_large(
    prepared: Prepared, *, progress: ProgressFn | None = None, embeddings: str = ""
) -> tuple[Pipeline, np.ndarray, np.ndarray, str]:
    """A big history trains once: a linear SVM (by SGD) on all but HOLDOUT_CASES cases, Platt
    calibration on half of those, evaluation and the threshold on the other half.

    Refitting on the last few thousand of 100,000 cases would change nothing measurable and
    cost minutes; k folds would cost k times as much.
    """
    y = np.array([e.label for e in prepared.examples])
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=HOLDOUT_CASES, random_state=0)
    train_rows, held = next(splitter.split(np.zeros(len(y)), y))
    halves = StratifiedShuffleSplit(n_splits=1, test_size=0.5, random_state=1)
    calibrate_part, evaluate_part = next(halves.split(np.zeros(len(held)), y[held]))
    calibrate_rows, evaluate_rows = held[calibrate_part], held[evaluate_part]
    if progress:
        progress(f"learning from {len(train_rows)} cases", 0.05)
    features = build_features(min_df=2, embeddings=embeddings)
    matrix = features.fit_transform(to_matrix([prepared.examples[j] for j in train_rows]))
    # The same hinge loss as LinearSVC, by stochastic gradient: a fixed number of passes keeps
    # 100,000 noisy cases within minutes, where liblinear can iterate for a long time.
    svm = SGDClassifier(
        loss="hinge",
        alpha=1e-5,
        class_weight="balanced",
        max_iter=LARGE_EPOCHS,
        tol=1e-3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # capped passes are deliberate
        svm.fit(matrix, y[train_rows])
    if progress:
        progress(f"calibrating on {len(calibrate_rows)} held-back cases", 0.8)
    calibrated = CalibratedClassifierCV(FrozenEstimator(svm), method="sigmoid")
    calibrated.fit(
        features.transform(to_matrix([prepared.examples[j] for j in calibrate_rows])),
        y[calibrate_rows],
    )
    pipeline = Pipeline([("features", features), ("classifier", calibrated)])
    if progress:
        progress(f"evaluating on {len(evaluate_rows)} other held-back cases", 0.9)
    evaluate_rows = np.sort(evaluate_rows)
    fold_proba = pipeline.predict_proba(to_matrix([prepared.examples[j] for j in evaluate_rows]))
    proba = np.zeros((len(evaluate_rows), len(prepared.labels)))
    proba[:, [prepared.labels.index(str(c)) for c in pipeline.classes_]] = fold_proba
    method = f"{len(evaluate_rows)} held-back cases (learned from {len(train_rows)})"
    return pipeline, evaluate_rows, proba, method


def train(
    examples: Iterable[Example],
    *,
    precision_target: float = 0.95,
    progress: ProgressFn | None = None,
    embeddings: str = "",
) -> TrainingResult:
    """Evaluate on held-back cases, pick the threshold there, then fit on everything.

    `embeddings`: a sentence encoder's name (routing/embeddings.py) to add its block (raises
    `EmbeddingsUnavailable` when its extra is missing); the model records it in `features`."""
    if embeddings:
        from civicdesk.routing.embeddings import training_cache

        with training_cache():
            return _train(examples, precision_target, progress, embeddings=embeddings)
    return _train(examples, precision_target, progress, embeddings="")


def _train(examples, precision_target, progress, *, embeddings: str) -> TrainingResult:
    started = time.perf_counter()
    prepared = prepare(examples)
    y = np.array([e.label for e in prepared.examples])
    if len(y) >= LARGE_HISTORY:
        pipeline, rows, proba, method = fit_large(
            prepared, progress=progress, embeddings=embeddings
        )
    else:
        rows, proba, method, c = held_back_proba(prepared, progress=progress, embeddings=embeddings)
        pipeline = None
    truth = y[rows]
    confidence = proba.max(axis=1)
    predicted = np.array(prepared.labels)[proba.argmax(axis=1)]
    threshold = choose_threshold(confidence, predicted == truth, precision_target=precision_target)
    evaluation = evaluate_predictions(
        labels=prepared.labels, y_true=list(truth), proba=proba, threshold=threshold
    )
    evaluation["precision_target"] = precision_target
    evaluation["method"] = method
    features = features_name(embeddings)
    evaluation["features"] = features
    if pipeline is None:
        if progress:
            progress("fitting the final model on all cases", 0.85)
        pipeline = build_pipeline(n_train=len(y), c=c, embeddings=embeddings)
        pipeline.fit(to_matrix(prepared.examples), y)
    model = RoutingModel(
        pipeline, threshold=threshold, precision_target=precision_target, features=features
    )
    if progress:
        progress("done", 1.0)
    return TrainingResult(
        model=model,
        evaluation=evaluation,
        n_train=len(y),
        dropped=prepared.dropped,
        seconds=round(time.perf_counter() - started, 2),
        oof_proba=proba,
        positions=[prepared.positions[i] for i in rows],
    )
