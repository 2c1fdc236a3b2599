"""Erlang B, C and A against published values and their limits."""

import math

import pytest

from civicdesk.insights import erlang


def test_erlang_b_table_values():
    # Erlang B tables: 10 Erlangs on 10 lines block 21.46%; 5 on 5: 28.49%; 15 on 20: 4.56%.
    assert erlang.erlang_b(10, 10) == pytest.approx(0.2146, abs=1e-4)
    assert erlang.erlang_b(5, 5) == pytest.approx(0.2849, abs=1e-4)
    assert erlang.erlang_b(20, 15) == pytest.approx(0.0456, abs=1e-4)
    assert erlang.erlang_b(0, 3) == 1.0


def test_erlang_c_textbook_example():
    # The classic worked example: 100 calls per 30 minutes, 3-minute handling (10 Erlangs),
    # target 80% answered within 20 seconds. Published: P(wait) 68.21% with 11 agents, 44.94%
    # with 12, 28.53% with 13, 17.41% with 14; 14 agents reach 88.8% and are the answer.
    rate, handle, wait = 100 / 30, 3.0, 20 / 60
    assert erlang.erlang_c(11, 10) == pytest.approx(0.6821, abs=1e-4)
    assert erlang.erlang_c(12, 10) == pytest.approx(0.4494, abs=1e-4)
    assert erlang.erlang_c(13, 10) == pytest.approx(0.2853, abs=1e-4)
    assert erlang.erlang_c(14, 10) == pytest.approx(0.1741, abs=1e-4)
    assert erlang.service_level_c(11, rate, handle, wait) == pytest.approx(0.3896, abs=1e-4)
    assert erlang.service_level_c(14, rate, handle, wait) == pytest.approx(0.8884, abs=1e-4)
    # ASA with 11 agents: 0.6821 * 180 s / (11 - 10) = 122.8 s.
    assert erlang.asa_c(11, rate, handle) * 60 == pytest.approx(122.8, abs=0.1)
    assert erlang.required_agents(rate, handle, 0.8, wait) == 14


def test_overload_and_no_load():
    assert erlang.erlang_c(10, 10) == 1.0
    assert erlang.service_level_c(9, 1.0, 10.0, 5.0) == 0.0
    assert erlang.asa_c(9, 1.0, 10.0) == math.inf
    assert erlang.required_agents(0.0, 5.0, 0.9, 20.0) == 0


def test_large_loads_do_not_overflow():
    # 10,000 Erlangs: factorials would overflow; the recursion does not.
    pw = erlang.erlang_c(10_100, 10_000)
    assert 0.1 < pw < 0.4  # one standard deviation (sqrt of the load) above it
    assert erlang.erlang_c(10_400, 10_000) < 1e-3
    agents = erlang.required_agents(2000 / 3, 3.0, 0.9, 1 / 3)
    assert 2000 < agents < 2150


def test_erlang_a_tends_to_erlang_c_with_endless_patience():
    a = erlang.erlang_a(11, 100 / 30, 3.0, 20 / 60, 1e7)
    assert a.wait_probability == pytest.approx(0.6821, abs=1e-3)
    assert a.service_level == pytest.approx(0.3896, abs=1e-3)
    assert a.abandonment < 1e-5


def test_erlang_a_with_impatient_callers():
    a = erlang.erlang_a(10, 100 / 30, 3.0, 20 / 60, 2.0)
    # Stable even with as many agents as Erlangs; some give up; fewer wait than in Erlang C.
    assert 0 < a.abandonment < 0.2
    assert a.wait_probability < erlang.erlang_c(11, 10)
    # Abandonment = mean queue × (1/patience) / arrival rate = ASA / patience (Little's law).
    assert a.abandonment == pytest.approx(a.asa / 2.0, rel=1e-9)
    assert erlang.required_agents(100 / 30, 3.0, 0.8, 20 / 60, patience=2.0) <= 14


def test_service_time_variability_correction():
    # Near-constant service waits less than exponential: fewer agents for the same target.
    exact = erlang.required_agents(2.0, 6.0, 0.9, 2.0)
    smooth = erlang.required_agents(2.0, 6.0, 0.9, 2.0, scv=0.05)
    rough = erlang.required_agents(2.0, 6.0, 0.9, 2.0, scv=2.0)
    assert smooth <= exact <= rough


def test_invalid_inputs():
    with pytest.raises(ValueError):
        erlang.required_agents(1.0, 5.0, 1.5, 10.0)
    with pytest.raises(ValueError):
        erlang.required_agents(1.0, 0.0, 0.9, 10.0)
