"""Periodic jobs (outbox retries, breach checks, recomputations).

Apps register jobs in their AppConfig.ready(); `civicdesk tick` runs the due ones, and
`civicdesk tick --loop 30` keeps doing so (`civicdesk serve` starts that loop beside the server).
When each job last ran is kept in the database, so several hosts can share one schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every_seconds: int


REGISTRY: dict[str, PeriodicJob] = {}


def register(name: str, every_seconds: int) -> Callable[[Callable], Callable]:
    def decorator(func: Callable) -> Callable:
        REGISTRY[name] = PeriodicJob(name=name, func=func, every_seconds=every_seconds)
        return func

    return decorator
