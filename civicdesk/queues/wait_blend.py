"""The blend behind the estimated wait: several delay predictors, combined by what worked lately.

Pure functions (no database): `estimation.py` feeds them from the live tables, the `bench waits
--trace` replay from a queue log, so the visitor and the benchmark get the same numbers.

The predictors, for a visitor of service s and lane class p with k people ahead (all in seconds):

- `ql`: the queue-length predictor of estimation.py (replay of the call rule over the counters,
  with the visits in progress, people giving up and priority arrivals; Whitt 1999).
- `naive`: k × mean service time ÷ open counters (the baseline, as a predictor it is still useful).
- `les`: last to enter service: the wait of the latest visitor of s and p who was called
  (Ibrahim & Whitt 2009).
- `hol`: head of line: how long the first visitor of s and p still waiting has waited.
- `pos`: recent delay per place: (k + 1) × the mean of wait ÷ (places ahead + 1) over the last
  visitors of s and p who were called (the "same number ahead" delay history, pooled by place).
- `busy`: one minute if somebody is ahead or no counter is free, else zero (a learned offset).

The combination is a linear one, `Σ β_f · x_f` (kept between the smallest and the largest
predictor, and the prior alone until MIN_SAMPLES waits are known), refitted at every estimate on the visitors
already called whose wait is fully known: the ones who joined before the longest-waiting visitor
now in the queue (so the sample is not biased towards short waits), the latest first, with
exponential forgetting. It minimises the *absolute* error (the figure we publish; the median,
not the mean, of a skewed wait) by iteratively reweighted least squares, with a ridge towards
"ql alone" worth PRIOR_SAMPLES visitors, so a new site starts from the queueing model and moves
only as far as its own history says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

FEATURES = ("ql", "mc", "naive", "les", "hol", "pos", "busy")
PRIOR = dict.fromkeys(FEATURES, 0.0) | {"mc": 1.0}
PRIOR_SAMPLES = 20.0
MIN_SAMPLES = 50  # fewer known waits than this: the prior alone
PREDICTORS = ("ql", "mc", "naive", "les", "hol", "pos")  # `busy` is an offset, not a predictor
HALF_LIFE = 150  # samples (visitors called), for the forgetting weights
MAX_SAMPLES = 600
IRLS_ROUNDS = 25
IRLS_FLOOR = 30.0  # seconds: residuals below this weigh as this (keeps the fit stable)
PLACES = 20  # recent called visitors per service and lane class for `pos`
BUSY_SECONDS = 60.0


@dataclass
class Called:
    """A visitor whose wait is known: joined `joined` (seconds on any common clock), called
    `called`, in `service_id` and lane class `priority`, with `features` noted when they joined
    (None if they were not) and `ahead` the places ahead of them then."""

    service_id: object
    priority: bool
    joined: float
    called: float
    ahead: int | None = None
    features: dict | None = None

    @property
    def wait(self) -> float:
        return max(self.called - self.joined, 0.0)


class DelayHistory:
    """The called visitors of a site, in the order they were called (oldest first)."""

    def __init__(self, called: Iterable[Called] = ()):
        self.called: list[Called] = sorted(called, key=lambda c: c.called)
        # Asked for every waiting visitor of a site, answered once per service and lane class
        # until the next `add`.
        self._last: dict = {}
        self._per_place: dict = {}

    def add(self, visit: Called) -> None:
        self.called.append(visit)
        self._last.clear()
        self._per_place.clear()

    def last_entered(self, service_id, priority: bool) -> Called | None:
        key = (service_id, priority)
        if key not in self._last:
            self._last[key] = next(
                (
                    visit
                    for visit in reversed(self.called)
                    if visit.service_id == service_id and visit.priority == priority
                ),
                None,
            )
        return self._last[key]

    def per_place(self, service_id, priority: bool) -> float | None:
        """Mean of wait ÷ (places ahead + 1) over the last PLACES visitors of the lane."""
        key = (service_id, priority)
        if key not in self._per_place:
            self._per_place[key] = self._mean_per_place(service_id, priority)
        return self._per_place[key]

    def _mean_per_place(self, service_id, priority: bool) -> float | None:
        ratios = []
        for visit in reversed(self.called):
            if len(ratios) >= PLACES:
                break
            if (
                visit.service_id == service_id
                and visit.priority == priority
                and visit.ahead is not None
            ):
                ratios.append(visit.wait / (visit.ahead + 1))
        return sum(ratios) / len(ratios) if ratios else None

    def training(self, before: float) -> list[Called]:
        """The latest MAX_SAMPLES visitors with features who joined before `before`."""
        picked = []
        for visit in reversed(self.called):
            if visit.features is not None and visit.joined < before:
                picked.append(visit)
                if len(picked) >= MAX_SAMPLES:
                    break
        return picked


def features(
    *,
    ql: float,
    mc: float,
    naive: float,
    ahead: int,
    head_waited: float | None,
    history: DelayHistory,
    service_id,
    priority: bool,
    counter_free: bool,
) -> dict[str, float]:
    """The predictors for one visitor (see the module docstring)."""
    last = history.last_entered(service_id, priority)
    per_place = history.per_place(service_id, priority)
    return {
        "ql": ql,
        "mc": mc,
        "naive": naive,
        "les": last.wait if last is not None else ql,
        "hol": head_waited if head_waited is not None else 0.0,
        "pos": (ahead + 1) * per_place if per_place is not None else ql,
        "busy": BUSY_SECONDS if (ahead > 0 or not counter_free) else 0.0,
    }


def _vector(values: dict) -> list[float]:
    return [float(values.get(name, 0.0)) for name in FEATURES]


def fit(samples: Sequence[Called]) -> dict[str, float]:
    """Weights β minimising the recency-weighted absolute error, ridged towards PRIOR.

    `samples`: latest first."""
    prior = np.array(_vector(PRIOR))
    if len(samples) < MIN_SAMPLES:
        return dict(PRIOR)
    x = np.array([_vector(s.features) for s in samples])
    y = np.array([s.wait for s in samples])
    recency = 0.5 ** (np.arange(len(samples)) / HALF_LIFE)
    beta = prior.copy()
    for _ in range(IRLS_ROUNDS):
        residual = np.abs(y - x @ beta)
        weight = recency / np.maximum(residual, IRLS_FLOOR)
        gram = (x * weight[:, None]).T @ x
        scale = np.diag(gram) / recency.sum()  # per visitor, so the prior weighs as PRIOR_SAMPLES
        ridge = PRIOR_SAMPLES * np.diag(np.maximum(scale, 1.0))
        new = np.linalg.solve(gram + ridge, (x * weight[:, None]).T @ y + ridge @ prior)
        if np.allclose(new, beta, atol=1e-4):
            beta = new
            break
        beta = new
    return dict(zip(FEATURES, beta.tolist(), strict=True))


def combine(weights: dict[str, float], values: dict[str, float]) -> float:
    """Σ β·x, kept within the range of the predictors themselves (a fit on the short waits of
    a quiet hour must not extrapolate wildly at the peak)."""
    get = values.get  # called for every waiting visitor of a site: no generators here
    blended = 0.0
    for name in FEATURES:
        blended += weights[name] * get(name, 0.0)
    predicted = [get(name, 0.0) for name in PREDICTORS]
    return min(max(blended, min(predicted), 0.0), max(predicted))
