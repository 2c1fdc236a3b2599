"""One staffing recommendation: Erlang first, then checked (and corrected) by simulation.

1. Erlang gives a first answer N: Erlang A when visitors give up (a mean patience is known),
   else Erlang C with the Allen–Cunneen correction for the service time's variability (exactly
   Erlang C for exponential service).
2. The simulation (simulate.simulate_interval) of N counters decides: if it misses the target,
   N is raised one counter at a time until the simulation reaches it; if it reaches the target
   with N − 1 as well, N is lowered while it still does. The answer is the smallest N the
   simulation accepts, and its simulated service level is reported beside Erlang's.
"""

from __future__ import annotations

from dataclasses import dataclass

from civicdesk.insights import erlang
from civicdesk.insights.simulate import ServiceTime, simulate_interval


@dataclass(frozen=True)
class Recommendation:
    agents: int  # the recommendation (accepted by the simulation)
    erlang_agents: int  # what the formula alone said
    erlang_level: float  # the formula's service level at `agents`
    simulated_level: float  # the simulation's service level at `agents`
    simulated_level_one_fewer: float | None  # at agents - 1 (None when agents is 0)
    adjusted: int  # agents - erlang_agents: what the simulation changed


def recommend(
    arrival_rate: float,
    service: ServiceTime,
    target_level: float,
    target_wait: float,
    *,
    patience: float | None = None,
    interval: float = 15.0,
    seed: int = 1,
    simulate: bool = True,
    cache: dict | None = None,
    max_arrivals: int = 2_000_000,
    min_arrivals: int = 4000,
) -> Recommendation:
    """Counters needed so that `target_level` of visitors wait at most `target_wait` minutes."""
    if arrival_rate <= 0:
        return Recommendation(0, 0, 1.0, 1.0, None, 0)
    first = erlang.required_agents(
        arrival_rate, service.mean, target_level, target_wait, patience, scv=service.scv
    )

    def formula(n: int) -> float:
        return erlang.service_level(
            n, arrival_rate, service.mean, target_wait, patience=patience, scv=service.scv
        )

    if not simulate:
        below = formula(first - 1) if first > 0 else None
        return Recommendation(first, first, formula(first), formula(first), below, 0)

    def simulated(n: int) -> float:
        if n <= 0:
            return 0.0
        key = (n, round(arrival_rate, 6), service.key(), target_level, target_wait, patience)
        if cache is not None and key in cache:
            return cache[key]
        level = simulate_interval(
            n,
            arrival_rate,
            service,
            target_wait,
            interval=interval,
            patience=patience,
            seed=seed,
            target_level=target_level,
            max_arrivals=max_arrivals,
            min_arrivals=min_arrivals,
        ).service_level
        if cache is not None:
            cache[key] = level
        return level

    n = first
    level = simulated(n)
    while level < target_level and n < erlang.MAX_AGENTS:
        n += 1
        level = simulated(n)
    below = simulated(n - 1) if n > 1 else 0.0
    while n > 1 and below >= target_level:
        n -= 1
        level = below
        below = simulated(n - 1) if n > 1 else 0.0
    return Recommendation(
        agents=n,
        erlang_agents=first,
        erlang_level=formula(n),
        simulated_level=level,
        simulated_level_one_fewer=below if n >= 1 else None,
        adjusted=n - first,
    )
