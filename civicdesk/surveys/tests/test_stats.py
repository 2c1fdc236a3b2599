"""The figures managers see, checked against scipy/numpy computed independently on known data."""

import math

import numpy as np
import pytest
from scipy import stats as st

from civicdesk.surveys.stats import csat_estimate, mean_estimate, nps_estimate

RNG = np.random.default_rng(20261124)


def test_csat_is_share_of_4_and_5_with_wilson_interval():
    scores = RNG.integers(1, 6, size=137)
    satisfied = int((scores >= 4).sum())
    estimate = csat_estimate(satisfied, len(scores))
    assert estimate.value == pytest.approx(100 * satisfied / 137)
    # Wilson interval by its textbook formula.
    p, n, z = satisfied / 137, 137, st.norm.ppf(0.975)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert estimate.low == pytest.approx(100 * (centre - half), abs=1e-9)
    assert estimate.high == pytest.approx(100 * (centre + half), abs=1e-9)


def test_nps_is_promoters_minus_detractors_with_normal_interval():
    scores = RNG.integers(0, 11, size=250)
    per_person = np.where(scores >= 9, 100.0, np.where(scores <= 6, -100.0, 0.0))
    estimate = nps_estimate(int((scores >= 9).sum()), int((scores <= 6).sum()), len(scores))
    assert estimate.value == pytest.approx(per_person.mean())
    se = per_person.std(ddof=0) / math.sqrt(len(scores))
    assert estimate.low == pytest.approx(per_person.mean() - st.norm.ppf(0.975) * se)
    assert estimate.high == pytest.approx(per_person.mean() + st.norm.ppf(0.975) * se)


def test_ces_mean_with_t_interval_from_sums():
    scores = RNG.integers(1, 8, size=41).astype(float)
    estimate = mean_estimate(scores.sum(), (scores**2).sum(), len(scores))
    low, high = st.t.interval(0.95, len(scores) - 1, loc=scores.mean(), scale=st.sem(scores))
    assert estimate.value == pytest.approx(scores.mean())
    assert (estimate.low, estimate.high) == (pytest.approx(low), pytest.approx(high))


def test_empty_and_single_answers_do_not_invent_intervals():
    assert csat_estimate(0, 0).value is None
    assert nps_estimate(1, 0, 1).low is None
    single = mean_estimate(5, 25, 1)
    assert single.value == 5 and single.low is None
