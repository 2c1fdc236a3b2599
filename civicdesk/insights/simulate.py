"""Discrete-event simulation (simpy) of one staffing interval: the check beside every formula.

Visitors arrive as a Poisson stream, queue first come first served for N counters, are served
for a time drawn from the measured distribution and, when a mean patience is given, give up after
an exponential patience (that is also how no-shows are modelled). Each replication runs a warm-up
first, so the interval starts with the queue it would really have, then counts only the visitors
who arrive inside the interval and follows them until they are served or leave. Replications are
pooled (total served in time / total arrivals) with a fixed seed, so a result can be reproduced.

Two engines run the same model on the same random draws and give the same numbers (a test holds
them to it): `simpy`, the event-driven model (counters a simpy Resource, visitors processes), and
`recursion`, its event-free shortcut for first-come-first-served counters (Kiefer–Wolfowitz), about
a hundred times faster. Staffing checks use `recursion` by default so that the simulation can be
run long enough to be precise near the target (tens of thousands of visitors per check); pass
engine="simpy" to run the event-driven model (the benchmark does, to show they agree).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np
import simpy

KINDS = ("exponential", "lognormal", "gamma", "empirical")


@dataclass(frozen=True)
class ServiceTime:
    """A service-time distribution in minutes.

    exponential: mean only. lognormal and gamma: mean and coefficient of variation (cv; a small
    cv like 0.1 gives near-constant service). empirical: resampled from measured durations.
    """

    kind: str
    mean: float
    cv: float = 1.0
    samples: tuple[float, ...] = field(default=(), repr=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown service-time distribution {self.kind!r}.")
        if self.mean <= 0:
            raise ValueError("Mean service time must be positive.")
        if self.kind == "empirical" and not self.samples:
            raise ValueError("An empirical distribution needs samples.")

    @classmethod
    def from_samples(cls, durations, *, min_samples: int = 30) -> ServiceTime:
        """Empirical when there is enough data, else exponential with the measured mean."""
        values = tuple(float(d) for d in durations if d and d > 0)
        if not values:
            raise ValueError("No service times to learn from.")
        mean = sum(values) / len(values)
        if len(values) < min_samples:
            return cls("exponential", mean)
        cv = float(np.std(values) / mean) if mean else 1.0
        return cls("empirical", mean, cv=cv, samples=values)

    @property
    def scv(self) -> float:
        """Squared coefficient of variation (1 for exponential)."""
        return 1.0 if self.kind == "exponential" else self.cv**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.kind == "exponential":
            return rng.exponential(self.mean, size)
        if self.kind == "lognormal":
            sigma2 = math.log(1.0 + self.cv**2)
            mu = math.log(self.mean) - sigma2 / 2.0
            return rng.lognormal(mu, math.sqrt(sigma2), size)
        if self.kind == "gamma":
            shape = 1.0 / max(self.cv, 1e-3) ** 2
            return rng.gamma(shape, self.mean / shape, size)
        return rng.choice(np.asarray(self.samples), size)

    def key(self) -> tuple:
        return (self.kind, round(self.mean, 4), round(self.cv, 4), len(self.samples))


@dataclass(frozen=True)
class SimResult:
    servers: int
    service_level: float  # share of arrivals in the interval whose service began within the wait
    abandonment: float
    mean_wait: float
    arrivals: int
    replications: int


def _draws(seed: int, arrival_rate: float, service: ServiceTime, horizon: float, patience):
    """The random draws of one replication; both engines consume exactly these."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(arrival_rate * horizon)
    arrivals = np.sort(rng.uniform(0.0, horizon, n))
    services = service.sample(rng, n)
    patiences = rng.exponential(patience, n) if patience else None
    return arrivals, services, patiences


def _run_simpy(servers, arrivals, services, patiences, warmup, target_wait):
    """The event-driven model: counters are a simpy Resource, visitors are processes."""
    env = simpy.Environment()
    counters = simpy.Resource(env, capacity=servers)
    tally = [0, 0, 0, 0.0]  # counted, served in time, abandoned, total wait

    def visitor(index: int, counted: bool):
        arrived = env.now
        request = counters.request()
        if patiences is not None:
            outcome = yield request | env.timeout(patiences[index])
            if request not in outcome:
                request.cancel()
                if counted:
                    tally[2] += 1
                    tally[3] += env.now - arrived
                return
        else:
            yield request
        waited = env.now - arrived
        if counted:
            tally[3] += waited
            if waited <= target_wait + 1e-9:
                tally[1] += 1
        yield env.timeout(services[index])
        counters.release(request)

    def source():
        last = 0.0
        for i, at in enumerate(arrivals):
            yield env.timeout(at - last)
            last = at
            counted = at >= warmup
            if counted:
                tally[0] += 1
            env.process(visitor(i, counted))

    env.process(source())
    env.run()
    return tally[0], tally[1], tally[2], tally[3]


def _run_recursion(servers, arrivals, services, patiences, warmup, target_wait):
    """The same model without events (Kiefer–Wolfowitz): with first-come-first-served counters a
    visitor starts at max(arrival, earliest free counter); one who would wait longer than their
    patience leaves and frees nothing. Gives the simpy model's numbers from the same draws, ~30×
    faster, so precise checks near the target are affordable."""
    free = [0.0] * servers  # a heap of the times each counter becomes free
    counted = served = abandoned = 0
    total_wait = 0.0
    limit = target_wait + 1e-9
    arrivals_list = arrivals.tolist()
    services_list = services.tolist()
    patience_list = patiences.tolist() if patiences is not None else None
    for i, at in enumerate(arrivals_list):
        start = free[0] if free[0] > at else at
        waited = start - at
        is_counted = at >= warmup
        if patience_list is not None and waited > patience_list[i]:
            if is_counted:
                counted += 1
                abandoned += 1
                total_wait += patience_list[i]
            continue
        heapq.heapreplace(free, start + services_list[i])
        if is_counted:
            counted += 1
            total_wait += waited
            if waited <= limit:
                served += 1
    return counted, served, abandoned, total_wait


ENGINES = {"simpy": _run_simpy, "recursion": _run_recursion}


def _replication(
    seed: int,
    servers: int,
    arrival_rate: float,
    service: ServiceTime,
    target_wait: float,
    interval: float,
    warmup: float,
    patience: float | None,
    engine: str = "simpy",
) -> tuple[int, int, int, float]:
    arrivals, services, patiences = _draws(seed, arrival_rate, service, warmup + interval, patience)
    return ENGINES[engine](servers, arrivals, services, patiences, warmup, target_wait)


def simulate_interval(
    servers: int,
    arrival_rate: float,
    service: ServiceTime,
    target_wait: float,
    *,
    interval: float = 15.0,
    patience: float | None = None,
    seed: int = 1,
    target_level: float | None = None,
    min_arrivals: int = 4000,
    max_arrivals: int = 2_000_000,
    min_replications: int = 10,
    warmup: float | None = None,
    engine: str = "recursion",
) -> SimResult:
    """Simulated service level of `servers` counters at a steady `arrival_rate` (minutes).

    Each replication warms up (ten relaxation times of the queue), then counts the visitors
    arriving over a window of whole intervals (at least one, enough for about 400 visitors and
    twenty relaxation times, so quiet and nearly saturated intervals get enough evidence).
    Without abandonment, counters at or below the offered load get level 0 without simulating:
    such a queue has no steady state. Replications continue until at least `min_arrivals` visitors are
    counted and, when a `target_level` is given, until the target lies clearly (3 standard
    errors) on one side of the simulated level, or `max_arrivals` is reached: the simulation
    spends its time where the answer is close.
    """
    if servers <= 0 or arrival_rate <= 0:
        level = 1.0 if arrival_rate <= 0 else 0.0
        return SimResult(servers, level, 0.0, 0.0 if arrival_rate <= 0 else math.inf, 0, 0)
    load = arrival_rate * service.mean
    if not patience and servers <= load:
        # More work arrives than the counters can do: the queue grows without end, every
        # visitor eventually waits past any target. No steady state to simulate.
        return SimResult(servers, 0.0, 0.0, math.inf, 0, 0)
    # Relaxation time of the queue (heavy-traffic approximation): how long it takes to forget
    # where it started. The warm-up lasts ten of them, each counted window twenty, so each
    # replication is a nearly independent sample of the steady state.
    utilisation = min(load / servers, 0.999)
    relax = service.mean * (1 + service.scv) / 2 / (servers * (1 - utilisation) ** 2)
    if warmup is None:
        warmup = float(np.clip(10 * relax, 60.0, 20_000.0))
    window = max(interval * math.ceil(400 / (arrival_rate * interval)), 20 * relax)
    window = interval * math.ceil(min(window, 40_000.0) / interval)
    counts: list[int] = []
    levels: list[float] = []
    served = abandoned = 0
    total_wait = 0.0
    while True:
        c, s, a, w = _replication(
            seed * 100_003 + len(counts),
            servers,
            arrival_rate,
            service,
            target_wait,
            window,
            warmup,
            patience,
            engine,
        )
        counts.append(c)
        levels.append(s / c if c else 1.0)
        served += s
        abandoned += a
        total_wait += w
        counted = sum(counts)
        if counted >= max_arrivals:
            break
        if len(counts) < min_replications or counted < min_arrivals:
            continue
        if target_level is None:
            break
        level = served / counted if counted else 1.0
        spread = float(np.std(levels, ddof=1)) / math.sqrt(len(levels))
        if abs(level - target_level) > 3 * spread:
            break
    counted = sum(counts)
    if counted == 0:
        return SimResult(servers, 1.0, 0.0, 0.0, 0, len(counts))
    return SimResult(
        servers=servers,
        service_level=served / counted,
        abandonment=abandoned / counted,
        mean_wait=total_wait / counted,
        arrivals=counted,
        replications=len(counts),
    )
