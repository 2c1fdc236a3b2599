"""The simulation: both engines agree exactly; it agrees with Erlang where Erlang is exact."""

import numpy as np
import pytest

from civicdesk.insights import erlang, simulate
from civicdesk.insights.recommend import recommend
from civicdesk.insights.simulate import ServiceTime, simulate_interval


@pytest.mark.parametrize("patience", [None, 6.0])
@pytest.mark.parametrize(
    "service",
    [ServiceTime("exponential", 6.0), ServiceTime("lognormal", 6.0, cv=0.8)],
)
def test_simpy_and_recursion_engines_give_the_same_numbers(service, patience):
    args = (3, 0.45, service, 5.0, 600.0, 60.0, patience)
    by_simpy = simulate._replication(11, *args, engine="simpy")
    by_recursion = simulate._replication(11, *args, engine="recursion")
    assert by_simpy[:3] == by_recursion[:3]
    assert by_simpy[3] == pytest.approx(by_recursion[3])


def test_agrees_with_erlang_c_for_exponential_service():
    service = ServiceTime("exponential", 3.0)
    rate, wait = 100 / 30, 20 / 60
    for agents in (12, 14):
        simulated = simulate_interval(
            agents, rate, service, wait, seed=3, min_arrivals=150_000, max_arrivals=150_000
        )
        assert simulated.service_level == pytest.approx(
            erlang.service_level_c(agents, rate, 3.0, wait), abs=0.02
        )
        assert simulated.mean_wait == pytest.approx(erlang.asa_c(agents, rate, 3.0), rel=0.15)


def test_agrees_with_erlang_a_for_impatient_visitors():
    service = ServiceTime("exponential", 4.0)
    formula = erlang.erlang_a(10, 2.5, 4.0, 5.0, 10.0)
    simulated = simulate_interval(
        10, 2.5, service, 5.0, patience=10.0, seed=5, min_arrivals=150_000, max_arrivals=150_000
    )
    assert simulated.service_level == pytest.approx(formula.service_level, abs=0.02)
    assert simulated.abandonment == pytest.approx(formula.abandonment, abs=0.01)


def test_overloaded_counters_without_abandonment_miss_everything():
    result = simulate_interval(4, 1.0, ServiceTime("exponential", 5.0), 20.0)
    assert result.service_level == 0.0


def test_fixed_seed_reproduces():
    service = ServiceTime("gamma", 5.0, cv=0.2)
    first = simulate_interval(3, 0.5, service, 5.0, seed=9)
    second = simulate_interval(3, 0.5, service, 5.0, seed=9)
    assert first == second


def test_empirical_service_times_from_samples():
    rng = np.random.default_rng(1)
    few = ServiceTime.from_samples([4.0, 6.0])
    assert few.kind == "exponential" and few.mean == 5.0
    many = ServiceTime.from_samples(rng.lognormal(1.5, 0.5, 200))
    assert many.kind == "empirical" and 0.3 < many.cv < 0.8


def test_recommendation_is_the_smallest_the_simulation_accepts():
    service = ServiceTime("lognormal", 9.0, cv=0.8)
    advice = recommend(1.0, service, 0.8, 5.0, seed=2)
    assert advice.simulated_level >= 0.8
    assert advice.simulated_level_one_fewer < 0.8
    assert abs(advice.agents - advice.erlang_agents) <= 2


def test_simulation_raises_a_recommendation_erlang_gets_wrong():
    # Very variable service times (cv 2): Erlang C for exponential service under-staffs.
    service = ServiceTime("lognormal", 5.0, cv=2.0)
    plain = erlang.required_agents(2.0, 5.0, 0.9, 2.0)
    advice = recommend(2.0, service, 0.9, 2.0, seed=4)
    level_at_plain = simulate_interval(plain, 2.0, service, 2.0, seed=4, target_level=0.9)
    assert level_at_plain.service_level < 0.9
    assert advice.agents > plain
    assert advice.simulated_level >= 0.9
