"""Before/after statistics checked against scipy and a direct numpy least-squares fit."""

import numpy as np
import pytest
from scipy import stats as st

from civicdesk.surveys.evaluation import MIN_ANSWERS, evaluate

RNG = np.random.default_rng(7)


def _scores(low, high, size, weights):
    return list(RNG.choice(np.arange(low, high + 1), size=size, p=weights))


FLAT5 = [0.2] * 5
BETTER5 = [0.05, 0.05, 0.1, 0.4, 0.4]
FLAT11 = [1 / 11] * 11
BETTER11 = [0.02] * 7 + [0.06, 0.1, 0.35, 0.35]
FLAT7 = [1 / 7] * 7
BETTER7 = [0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.3]


def test_improvement_is_found_and_matches_scipy():
    before = {
        "csat": _scores(1, 5, 120, FLAT5),
        "nps": _scores(0, 10, 120, FLAT11),
        "ces": _scores(1, 7, 120, FLAT7),
    }
    after = {
        "csat": _scores(1, 5, 150, BETTER5),
        "nps": _scores(0, 10, 150, BETTER11),
        "ces": _scores(1, 7, 150, BETTER7),
    }
    result = evaluate({m: (before[m], after[m]) for m in before})
    by_metric = {c.metric: c for c in result.comparisons}
    ces = by_metric["ces"]
    b, a = np.array(before["ces"], float), np.array(after["ces"], float)
    expected = st.ttest_ind(a, b, equal_var=False)
    assert ces.difference == pytest.approx(a.mean() - b.mean())
    assert ces.t == pytest.approx(expected.statistic)
    assert ces.p_value == pytest.approx(expected.pvalue)
    pooled = np.sqrt(
        ((len(b) - 1) * b.var(ddof=1) + (len(a) - 1) * a.var(ddof=1)) / (len(a) + len(b) - 2)
    )
    assert ces.cohens_d == pytest.approx((a.mean() - b.mean()) / pooled)
    csat = by_metric["csat"]
    b01 = np.array([100.0 if v >= 4 else 0.0 for v in before["csat"]])
    a01 = np.array([100.0 if v >= 4 else 0.0 for v in after["csat"]])
    assert csat.p_value == pytest.approx(st.ttest_ind(a01, b01, equal_var=False).pvalue)
    for c in result.comparisons:
        assert c.verdict == "significant"
        assert c.difference > 0 and c.ci_low > 0
        assert "rose" in c.explanation
    assert ces.did is None  # nothing to compare with, and it says so
    assert "No comparison with scopes that did not change" in ces.explanation


def test_no_change_is_called_possible_chance():
    scores = _scores(1, 7, 200, FLAT7)
    c = evaluate({"ces": (scores, list(reversed(scores)))}).comparisons[2]
    assert c.difference == pytest.approx(0) and c.p_value == pytest.approx(1)
    assert c.verdict == "not_significant"
    assert "could be chance" in c.explanation


def test_identical_answers_on_both_sides_do_not_crash():
    c = evaluate({"csat": ([5] * 40, [5] * 40)}).comparisons[0]
    assert c.verdict == "not_significant" and c.p_value == 1.0
    c = evaluate({"csat": ([1] * 40, [5] * 40)}).comparisons[0]
    assert c.verdict == "significant" and c.p_value == 0.0


def test_too_few_answers_say_so():
    result = evaluate({"csat": ([5] * (MIN_ANSWERS - 1), [5] * 100)})
    c = result.comparisons[0]
    assert c.verdict == "too_few" and c.p_value is None
    assert "Too few answers to say" in c.explanation
    assert str(MIN_ANSWERS) in c.explanation


def test_difference_in_differences_matches_direct_least_squares():
    tb, ta = _scores(1, 7, 80, FLAT7), _scores(1, 7, 90, BETTER7)
    cb, ca = _scores(1, 7, 100, FLAT7), _scores(1, 7, 110, FLAT7)
    c = evaluate({"ces": (tb, ta)}, {"ces": (cb, ca)}).comparisons[2]
    means = [np.mean(x) for x in (tb, ta, cb, ca)]
    assert c.did == pytest.approx((means[1] - means[0]) - (means[3] - means[2]))
    # Independent check of the standard error: pooled residual variance over cell sizes.
    cells = [np.array(x, float) for x in (tb, ta, cb, ca)]
    n = sum(len(x) for x in cells)
    sigma2 = sum(((x - x.mean()) ** 2).sum() for x in cells) / (n - 4)
    se = np.sqrt(sigma2 * sum(1 / len(x) for x in cells))
    assert c.did_se == pytest.approx(se)
    assert c.did_p_value == pytest.approx(2 * st.t.sf(abs(c.did / se), n - 4))
    assert c.did_p_value < 0.05
    assert "more than the general trend" in c.explanation


def test_the_same_rise_everywhere_is_the_general_trend():
    tb, ta = _scores(1, 7, 150, FLAT7), _scores(1, 7, 150, BETTER7)
    cb, ca = _scores(1, 7, 150, FLAT7), _scores(1, 7, 150, BETTER7)
    c = evaluate({"ces": (tb, ta)}, {"ces": (cb, ca)}).comparisons[2]
    assert c.verdict == "significant"
    assert abs(c.did) < abs(c.difference)
    if c.did_p_value >= 0.05:
        assert "general trend rather than this change" in c.explanation
