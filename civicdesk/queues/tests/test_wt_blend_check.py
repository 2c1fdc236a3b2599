"""The blend is used only as far as waits it did not see support it (estimation.blend_weights)."""

import random

from civicdesk.queues.estimation import HOLDOUT, blend_weights
from civicdesk.queues.wait_blend import FEATURES, MIN_SAMPLES, PRIOR, Called, combine, fit


def _visit(index: int, wait: float, **given) -> Called:
    values = dict.fromkeys(FEATURES, 0.0) | given
    return Called(service_id=1, priority=0, joined=index * 60.0, called=index * 60.0 + wait,
                  features=values)  # fmt: skip


def _latest_first(visits):
    return list(reversed(visits))


def test_too_few_known_waits_leave_the_prior():
    visits = [_visit(i, 600, mc=300, ql=600) for i in range(MIN_SAMPLES + 10)]
    assert blend_weights(_latest_first(visits)) == PRIOR


def test_a_predictor_that_keeps_being_right_is_taken_up():
    # `ql` is exact throughout, the look-ahead short by a varying amount: the check on the latest
    # waits agrees with the fit, so the blend moves towards `ql`.
    rng = random.Random(1)
    visits = []
    for i in range(3 * HOLDOUT):
        wait = rng.uniform(300, 1500)
        visits.append(_visit(i, wait, ql=wait, mc=wait * rng.uniform(0.2, 1.0)))
    weights = blend_weights(_latest_first(visits))
    assert weights != PRIOR
    new = _visit(0, 1000, ql=1000, mc=500)
    assert abs(combine(weights, new.features) - 1000) < 250  # the prior is 500 off
    assert abs(combine(PRIOR, new.features) - 1000) == 500


def test_a_predictor_right_only_in_the_past_is_not_trusted():
    # `ql` was exact for a long while and is three times over lately; the look-ahead has stayed
    # as loose as ever. The fit moves off the prior; the check on the latest waits turns it down.
    rng = random.Random(2)
    visits = []
    for i in range(5 * HOLDOUT):
        wait = rng.uniform(300, 1500)
        ql = wait if i < 4 * HOLDOUT else 3 * wait
        visits.append(_visit(i, wait, ql=ql, mc=wait * rng.uniform(0.7, 1.3)))
    samples = _latest_first(visits)
    assert fit(samples) != PRIOR  # what the blend alone would do
    assert blend_weights(samples) == PRIOR
