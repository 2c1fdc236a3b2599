"""Before/after evaluation of a change, with a difference-in-differences check.

For each score we compare the per-person values (CSAT: 100 if satisfied else 0; NPS: +100
promoter, 0 passive, -100 detractor; CES: 1–7) in the scope before and after:
- difference of means with Welch's t-test (scipy.stats.ttest_ind, equal_var=False) and its 95%
  interval, effect size Cohen's d (pooled standard deviation);
- when other scopes have answers in both periods, difference-in-differences: OLS of the value on
  treated, after and treated×after; the interaction is the DiD estimate, with its classical
  standard error and a t-test on n-4 degrees of freedom.
Fewer than MIN_ANSWERS answers in any cell: we say so rather than guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from scipy import stats

from civicdesk.surveys.stats import per_person

MIN_ANSWERS = 30
ALPHA = 0.05
METRICS = ("csat", "nps", "ces")


@dataclass
class Comparison:
    metric: str
    n_before: int
    n_after: int
    mean_before: float | None = None
    mean_after: float | None = None
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    t: float | None = None
    p_value: float | None = None
    cohens_d: float | None = None
    did: float | None = None
    did_se: float | None = None
    did_p_value: float | None = None
    n_comparison_before: int = 0
    n_comparison_after: int = 0
    mean_comparison_before: float | None = None
    mean_comparison_after: float | None = None
    verdict: str = "too_few"
    explanation: str = ""

    @property
    def shown_difference(self) -> float | None:
        """The change as a reader sees it: after minus before, each shown to one decimal."""
        if self.mean_before is None or self.mean_after is None:
            return None
        return shown(self.mean_after) - shown(self.mean_before)

    @property
    def shown_did(self) -> float | None:
        """The difference in differences of the four means as shown (the OLS estimate is exactly
        that of the unrounded means), so it adds up with the figures a reader sees."""
        if self.did is None or self.shown_difference is None:
            return None
        trend = shown(self.mean_comparison_after) - shown(self.mean_comparison_before)
        return self.shown_difference - trend


@dataclass
class Evaluation:
    comparisons: list[Comparison] = field(default_factory=list)


def welch(before: np.ndarray, after: np.ndarray) -> dict:
    difference = float(after.mean() - before.mean())
    if before.var() == 0 and after.var() == 0:
        # No spread at all: the difference is certain (or nothing changed).
        p_value = 0.0 if difference else 1.0
        return {
            "difference": difference,
            "t": None,
            "p_value": p_value,
            "ci_low": difference,
            "ci_high": difference,
        }
    result = stats.ttest_ind(after, before, equal_var=False)
    ci = result.confidence_interval(confidence_level=1 - ALPHA)
    return {
        "difference": difference,
        "t": float(result.statistic),
        "p_value": float(result.pvalue),
        "ci_low": float(ci.low),
        "ci_high": float(ci.high),
    }


def cohens_d(before: np.ndarray, after: np.ndarray) -> float:
    n1, n2 = len(before), len(after)
    pooled = ((n1 - 1) * before.var(ddof=1) + (n2 - 1) * after.var(ddof=1)) / (n1 + n2 - 2)
    if pooled <= 0:
        return 0.0
    return float((after.mean() - before.mean()) / math.sqrt(pooled))


def difference_in_differences(
    treated_before: np.ndarray,
    treated_after: np.ndarray,
    control_before: np.ndarray,
    control_after: np.ndarray,
) -> dict:
    groups = [
        (treated_before, 1, 0),
        (treated_after, 1, 1),
        (control_before, 0, 0),
        (control_after, 0, 1),
    ]
    y = np.concatenate([g for g, _t, _a in groups])
    treated = np.concatenate([np.full(len(g), t, dtype=float) for g, t, _a in groups])
    after = np.concatenate([np.full(len(g), a, dtype=float) for g, _t, a in groups])
    x = np.column_stack([np.ones_like(y), treated, after, treated * after])
    beta, *_rest = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    dof = len(y) - x.shape[1]
    sigma2 = float(residuals @ residuals) / dof
    covariance = sigma2 * np.linalg.inv(x.T @ x)
    se = math.sqrt(covariance[3, 3])
    estimate = float(beta[3])
    p_value = float(2 * stats.t.sf(abs(estimate / se), dof)) if se > 0 else 1.0
    return {"did": estimate, "did_se": se, "did_p_value": p_value}


METRIC_NAMES = {"csat": "CSAT", "nps": "NPS", "ces": "CES"}
UNITS = {"csat": " %", "nps": "", "ces": ""}


def shown(value: float | None) -> float | None:
    """A score as every page and report prints it: one decimal. A change a reader is told is
    the difference of the two shown figures (54.6 to 57.6 is +3.0, whatever the third decimals)."""
    return None if value is None else round(value, 1)


def score_mean(metric: str, raw: list[int]) -> float | None:
    """The headline score of raw answers: the mean of the per-person values (CSAT: share
    satisfied, NPS: promoters minus detractors, CES: mean effort); None without answers."""
    if not raw:
        return None
    return float(np.array([per_person(metric, v) for v in raw], dtype=float).mean())


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def _explain(c: Comparison) -> str:
    name = METRIC_NAMES[c.metric]
    if c.verdict == "too_few":
        return _(
            "Too few answers to say: %(name)s had %(before)d answers before and %(after)d after; "
            "at least %(min)d in each period are needed."
        ) % {"name": name, "before": c.n_before, "after": c.n_after, "min": MIN_ANSWERS}
    before, after = shown(c.mean_before), shown(c.mean_after)
    direction = _("rose") if c.difference > 0 else _("fell")
    text = _("%(name)s %(direction)s from %(before).1f to %(after).1f (%(diff)+.1f).") % {
        "name": name,
        "direction": direction,
        "before": before,
        "after": after,
        "diff": c.shown_difference,
    }
    if c.verdict == "significant":
        size = abs(c.cohens_d or 0)
        label = (
            _("a large")
            if size >= 0.8
            else _("a medium")
            if size >= 0.5
            else _("a small")
            if size >= 0.2
            else _("a very small")
        )
        text += " " + _(
            "A change this big would happen by chance less than 1 time in 20 (%(p)s); "
            "it is %(label)s effect (d = %(d).2f)."
        ) % {"p": _p(c.p_value), "label": label, "d": c.cohens_d}
    else:
        text += " " + _("This could be chance (%(p)s): the answers do not show a real change.") % {
            "p": _p(c.p_value)
        }
    if c.did is None:
        text += " " + _(
            "No comparison with scopes that did not change: that needs at least %(min)d "
            "answers from them in each period (there were %(before)d and %(after)d)."
        ) % {"min": MIN_ANSWERS, "before": c.n_comparison_before, "after": c.n_comparison_after}
    else:
        if c.did_p_value < ALPHA:
            text += " " + _(
                "Compared with scopes that did not change, the difference is %(did)+.1f "
                "(%(p)s), so the change is more than the general trend."
            ) % {"did": c.shown_did, "p": _p(c.did_p_value)}
        else:
            text += " " + _(
                "Compared with scopes that did not change, the difference is %(did)+.1f "
                "(%(p)s): it may be the general trend rather than this change."
            ) % {"did": c.shown_did, "p": _p(c.did_p_value)}
    return text


def evaluate(
    treated: dict[str, tuple[list[int], list[int]]],
    control: dict[str, tuple[list[int], list[int]]] | None = None,
) -> Evaluation:
    """treated/control: metric -> (raw scores before, raw scores after)."""
    result = Evaluation()
    for metric in METRICS:
        before_raw, after_raw = treated.get(metric, ([], []))
        before = np.array([per_person(metric, v) for v in before_raw], dtype=float)
        after = np.array([per_person(metric, v) for v in after_raw], dtype=float)
        c = Comparison(metric=metric, n_before=len(before), n_after=len(after))
        if len(before) >= MIN_ANSWERS and len(after) >= MIN_ANSWERS:
            c.mean_before, c.mean_after = float(before.mean()), float(after.mean())
            for key, value in welch(before, after).items():
                setattr(c, key, value)
            c.cohens_d = cohens_d(before, after)
            c.verdict = "significant" if c.p_value < ALPHA else "not_significant"
            cb_raw, ca_raw = (control or {}).get(metric, ([], []))
            c.n_comparison_before, c.n_comparison_after = len(cb_raw), len(ca_raw)
            if len(cb_raw) >= MIN_ANSWERS and len(ca_raw) >= MIN_ANSWERS:
                cb = np.array([per_person(metric, v) for v in cb_raw], dtype=float)
                ca = np.array([per_person(metric, v) for v in ca_raw], dtype=float)
                for key, value in difference_in_differences(before, after, cb, ca).items():
                    setattr(c, key, value)
                c.mean_comparison_before, c.mean_comparison_after = (
                    float(cb.mean()),
                    float(ca.mean()),
                )
        c.explanation = _explain(c)
        result.comparisons.append(c)
    return result
