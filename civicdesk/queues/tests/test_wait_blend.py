"""The blend of delay predictors (wait_blend.py) on hand-made histories."""

import pytest

from civicdesk.queues.wait_blend import (
    BUSY_SECONDS,
    FEATURES,
    PRIOR,
    Called,
    DelayHistory,
    combine,
    features,
    fit,
)


def _values(**given):
    return dict.fromkeys(FEATURES, 0.0) | given


def test_last_to_enter_service_is_the_latest_called_of_the_same_lane():
    history = DelayHistory(
        [
            Called(service_id=1, priority=0, joined=0, called=300),
            Called(service_id=1, priority=1, joined=0, called=400),  # other lane
            Called(service_id=2, priority=0, joined=200, called=500),  # other service
        ]
    )
    assert history.last_entered(1, 0).wait == 300
    assert history.last_entered(1, 1).wait == 400
    assert history.last_entered(3, 0) is None


def test_delay_per_place_is_the_mean_of_wait_over_places():
    history = DelayHistory(
        [
            Called(service_id=1, priority=0, joined=0, called=600, ahead=2),  # 200 a place
            Called(service_id=1, priority=0, joined=0, called=400, ahead=0),  # 400 a place
        ]
    )
    assert history.per_place(1, 0) == 300
    values = features(
        ql=100,
        mc=90,
        naive=80,
        ahead=3,
        head_waited=50,
        history=history,
        service_id=1,
        priority=0,
        counter_free=False,
    )
    assert values == {
        "ql": 100,
        "mc": 90,
        "naive": 80,
        "les": 600,  # the later one to be called (by call time)
        "hol": 50,
        "pos": 4 * 300,
        "busy": BUSY_SECONDS,
    }


def test_without_history_the_predictors_fall_back_to_the_queue_model():
    values = features(
        ql=100,
        mc=90,
        naive=0,
        ahead=0,
        head_waited=None,
        history=DelayHistory(),
        service_id=1,
        priority=0,
        counter_free=True,
    )
    assert values["les"] == values["pos"] == 100
    assert values["hol"] == values["busy"] == 0


def test_training_takes_only_visitors_who_joined_before_the_cut_latest_first():
    history = DelayHistory(
        [
            Called(service_id=1, priority=0, joined=0, called=100, features=_values(mc=1)),
            Called(service_id=1, priority=0, joined=50, called=200),  # nothing noted at join
            Called(service_id=1, priority=0, joined=300, called=400, features=_values(mc=2)),
            Called(service_id=1, priority=0, joined=900, called=950, features=_values(mc=3)),
        ]
    )
    assert [c.joined for c in history.training(before=800)] == [300, 0]


def test_no_history_means_the_prior():
    assert fit([]) == PRIOR
    assert combine(PRIOR, _values(mc=120, ql=999)) == 120


def test_fit_follows_a_predictor_that_keeps_being_right():
    # The look-ahead keeps saying half the wait; the last one's wait is right on.
    samples = [
        Called(
            service_id=1,
            priority=0,
            joined=0,
            called=wait,
            features=_values(mc=wait / 2, les=float(wait), ql=600.0),
        )
        for wait in range(100, 2100, 10)
    ]
    weights = fit(samples)
    assert combine(weights, _values(mc=400.0, les=800.0, ql=600.0)) == pytest.approx(800, rel=0.1)
    assert combine(PRIOR, _values(mc=400.0, les=800.0, ql=600.0)) == 400


def test_fit_keeps_the_prior_when_it_is_right():
    samples = [
        Called(service_id=1, priority=0, joined=0, called=mc, features=_values(mc=mc, ql=mc / 2))
        for mc in range(60, 3000, 30)
    ]
    weights = fit(samples)
    assert weights["mc"] == pytest.approx(1.0, abs=0.05)
    assert combine(weights, _values(mc=1000.0, ql=500.0)) == pytest.approx(1000, rel=0.05)


def test_estimates_are_never_negative():
    assert combine(dict.fromkeys(FEATURES, -1.0), _values(mc=100)) == 0


def test_the_blend_stays_within_the_predictors():
    weights = dict.fromkeys(FEATURES, 0.0) | {"les": 5.0}
    assert combine(weights, _values(mc=100, les=300, ql=200, naive=50)) == 300
    assert fit([Called(service_id=1, priority=0, joined=0, called=9, features=_values())]) == PRIOR
