"""Queueing formulas for staffing: Erlang B, Erlang C and Erlang A (M/M/N+M).

Units are the caller's, as long as they agree: arrival rate per minute, mean service time in
minutes, target wait in minutes, mean patience in minutes.

Service level, everywhere in this app (formulas, simulation, pages): the share of *all* arrivals
whose service starts within the target wait. A visitor who gives up (abandonment, a no-show)
before being served counts as a miss, so abandonment never flatters the figure.

Numerics: Erlang B by its recursion B(n) = a·B(n-1) / (n + a·B(n-1)), which never forms a
factorial or a power, so loads of thousands of Erlangs are fine. Erlang A builds the stationary
distribution of the birth-death chain in log space and follows the tagged arrival through the
queue with one sparse matrix exponential (scipy's expm_multiply).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import expm_multiply

MAX_AGENTS = 10_000


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of M/M/N/N with offered load `load` (Erlangs)."""
    if agents < 0 or load < 0:
        raise ValueError("Agents and load must be zero or more.")
    if load == 0:
        return 0.0 if agents > 0 else 1.0
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return b


def erlang_c(agents: int, load: float) -> float:
    """Probability that an arrival waits in M/M/N (1.0 when the load reaches the agents)."""
    if load <= 0:
        return 0.0
    if agents <= load:
        return 1.0
    b = erlang_b(agents, load)
    return agents * b / (agents - load * (1.0 - b))


def _load(arrival_rate: float, mean_service: float) -> float:
    if arrival_rate < 0 or mean_service <= 0:
        raise ValueError("Arrival rate must be zero or more and mean service time positive.")
    return arrival_rate * mean_service


def service_level_c(
    agents: int, arrival_rate: float, mean_service: float, target_wait: float, scv: float = 1.0
) -> float:
    """P(wait ≤ target_wait) in M/M/N; `scv` (squared coefficient of variation of service time)
    other than 1 applies the Allen–Cunneen/Kingman correction for M/G/N, which stretches the
    waiting-time tail by (1 + scv) / 2."""
    load = _load(arrival_rate, mean_service)
    if load == 0:
        return 1.0
    if agents <= load:
        return 0.0
    stretch = (1.0 + scv) / 2.0 if scv > 0 else 0.5
    pw = erlang_c(agents, load)
    return 1.0 - pw * math.exp(-(agents - load) * target_wait / (mean_service * stretch))


def asa_c(agents: int, arrival_rate: float, mean_service: float) -> float:
    """Average speed of answer (mean wait of all arrivals) in M/M/N; inf when overloaded."""
    load = _load(arrival_rate, mean_service)
    if load == 0:
        return 0.0
    if agents <= load:
        return math.inf
    return erlang_c(agents, load) * mean_service / (agents - load)


@dataclass(frozen=True)
class ErlangA:
    wait_probability: float  # P(an arrival finds all agents busy)
    service_level: float  # P(service starts within the target wait), over all arrivals
    abandonment: float  # P(an arrival gives up before service)
    asa: float  # mean wait in queue of all arrivals (until served or gone)


def _erlang_a_stationary(agents: int, rate: float, mu: float, gamma: float) -> np.ndarray:
    """Stationary distribution of M/M/N+M, truncated where the tail no longer matters."""
    log_p = [0.0]
    n = 0
    while True:
        n += 1
        death = min(n, agents) * mu + max(n - agents, 0) * gamma
        log_p.append(log_p[-1] + math.log(rate) - math.log(death))
        # Past the mode and far below it: the rest of the tail is negligible.
        if n > agents and log_p[-1] < max(log_p) - 40:
            break
        if n > agents + 200_000:
            break
    arr = np.array(log_p)
    arr = np.exp(arr - arr.max())
    return arr / arr.sum()


@lru_cache(maxsize=4096)
def erlang_a(
    agents: int,
    arrival_rate: float,
    mean_service: float,
    target_wait: float,
    mean_patience: float,
) -> ErlangA:
    """Erlang A: Poisson arrivals, exponential service and exponential patience."""
    if mean_patience <= 0:
        raise ValueError("Mean patience must be positive.")
    load = _load(arrival_rate, mean_service)
    if load == 0:
        return ErlangA(0.0, 1.0, 0.0, 0.0)
    if agents == 0:
        return ErlangA(1.0, 0.0, 1.0, mean_patience)
    mu, gamma = 1.0 / mean_service, 1.0 / mean_patience
    p = _erlang_a_stationary(agents, arrival_rate, mu, gamma)
    wait_probability = float(p[agents:].sum())
    # An arrival (PASTA) finding n >= agents in the system has j = n - agents people ahead.
    ahead = p[agents:]
    queue_len = np.arange(len(ahead))
    mean_queue = float((queue_len * ahead).sum())
    abandonment = mean_queue * gamma / arrival_rate
    asa = mean_queue / arrival_rate  # Little's law on the queue
    if target_wait <= 0 or wait_probability == 0:
        served_in_time = 0.0
    else:
        # Tagged arrival: state j = people ahead. j -> j-1 at rate N·mu + j·gamma (someone ahead
        # is served or gives up); from j = 0 it reaches a counter at rate N·mu; it gives up at
        # rate gamma. Start from the arrival's distribution over j and read the mass that has
        # reached a counter by target_wait. Index len(ahead) is the "served" state.
        k = len(ahead)
        forward = agents * mu + queue_len * gamma
        out = forward + gamma
        # Generator transposed (column vector evolution): d/dt x = Q^T x.
        rows = np.concatenate([np.arange(k), np.arange(k - 1), [k]])
        cols = np.concatenate([np.arange(k), np.arange(1, k), [0]])
        vals = np.concatenate([-out, forward[1:], [forward[0]]])
        qt = coo_matrix((vals, (rows, cols)), shape=(k + 1, k + 1)).tocsr()
        x0 = np.concatenate([ahead, [0.0]])
        xt = expm_multiply(qt * target_wait, x0)
        served_in_time = float(xt[k])
    service_level = (1.0 - wait_probability) + served_in_time
    return ErlangA(
        wait_probability=wait_probability,
        service_level=min(1.0, max(0.0, service_level)),
        abandonment=min(1.0, max(0.0, abandonment)),
        asa=asa,
    )


def service_level(
    agents: int,
    arrival_rate: float,
    mean_service: float,
    target_wait: float,
    *,
    patience: float | None = None,
    scv: float = 1.0,
) -> float:
    """Service level by Erlang A when visitors abandon (`patience` given), else Erlang C."""
    if patience:
        return erlang_a(agents, arrival_rate, mean_service, target_wait, patience).service_level
    return service_level_c(agents, arrival_rate, mean_service, target_wait, scv=scv)


def required_agents(
    arrival_rate: float,
    mean_service: float,
    target_level: float,
    target_wait: float,
    patience: float | None = None,
    *,
    scv: float = 1.0,
) -> int:
    """The fewest agents whose service level reaches `target_level` (0..1)."""
    if not 0 < target_level < 1:
        raise ValueError("Target level must be between 0 and 1 (exclusive).")
    load = _load(arrival_rate, mean_service)
    if load == 0:
        return 0
    # With abandonment the served share is at most agents/load, so fewer than that never do.
    agents = max(1, math.floor(target_level * load) if patience else math.floor(load) + 1)
    while agents <= MAX_AGENTS:
        level = service_level(
            agents, arrival_rate, mean_service, target_wait, patience=patience, scv=scv
        )
        if level >= target_level:
            return agents
        agents += 1
    raise ValueError("More than 10,000 agents would be needed; check the inputs.")
