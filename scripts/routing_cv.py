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
    """The whole `civicdesk.routing.model.train` (with its own choice of C on inner folds)."""

    def fit(self, X, y):
        from civicdesk.routing.model import Example, train

        examples = [Example(text=t, label=label) for t, label in zip(X, y, strict=True)]
        self.model_ = train(examples).model
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
    parser.add_argument("--part", type=int, default=0, help="1 or 2: half of the candidates")
    parser.add_argument("--model", action="store_true", help="also the shipped model (Django)")
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
    pool = candidates_final() if args.final else candidates_round2() if args.round2 else None
    for name, pipeline in pool or candidates():
        if only and name not in only:
            continue
        if args.part and hash(name) % 2 != args.part - 1:
            continue
        score(name, pipeline, X, y, splits)


if __name__ == "__main__":
    main()
