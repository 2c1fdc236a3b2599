"""What the counters of a site allow: nobody serves without a counter that calls their service.

Each service's staffing is computed as its own queue (staffing.py), so the services of a site
can together need more staff at once than the site has counters. The plan is read against the
counters: in each 15-minute interval the planned staff are seated at the active counters that
serve their service (a counter lists the services it calls), as many as the counters allow, the
staff a service needs first and the spare ones after. Staff without a counter serve nobody:
a service is covered only by the staff seated for it, and a need beyond what the counters can
seat is a shortfall that no roster closes (the page says so, and redeployment moves nobody
into it).

Per row (one service, one interval) of the stored advice:
- counters: the active counters that serve the service (None: the site has no counters set up,
  and nothing is capped);
- on_counters: the planned staff seated at a counter (None without a plan);
- gap: on_counters − required;
- room: how many more staff of the service could be seated, up to its need, without taking a
  counter from staff another service needs (None without counters or a plan).
"""

from __future__ import annotations

from collections import defaultdict


def site_counters(site) -> list[list[int]] | None:
    """The service ids each active counter of `site` calls; None when it has no counters."""
    from civicdesk.queues.models import Counter

    counters = [
        sorted(s.pk for s in counter.services.all())
        for counter in Counter.objects.filter(site=site, is_active=True)
        .prefetch_related("services")
        .order_by("pk")
    ]
    return counters or None


class _Seating:
    """Counters given to staff by augmenting paths (a bipartite matching): seating one more
    person of a service may move others to another counter of theirs, never unseat them."""

    def __init__(self, counters: list[list[int]]):
        self.serves: dict[int, list[int]] = defaultdict(list)
        for index, services in enumerate(counters):
            for service in services:
                self.serves[service].append(index)
        self.held: list[int | None] = [None] * len(counters)

    def copy(self) -> _Seating:
        other = _Seating([])
        other.serves, other.held = self.serves, list(self.held)
        return other

    def seat(self, service: int) -> bool:
        return self._augment(service, set())

    def _augment(self, service: int, seen: set[int]) -> bool:
        for index in self.serves.get(service, ()):
            if index in seen:
                continue
            seen.add(index)
            holder = self.held[index]
            if holder is None or self._augment(holder, seen):
                self.held[index] = service
                return True
        return False

    def seated(self, service: int) -> int:
        return sum(1 for holder in self.held if holder == service)

    def release(self, service: int, keep: int) -> None:
        for index, holder in enumerate(self.held):
            if holder == service and keep <= 0:
                self.held[index] = None
            elif holder == service:
                keep -= 1


def seat_interval(
    counters: list[list[int]], planned: dict[int, int], required: dict[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """(seated, room) per service for one interval: the needed staff first, then the spare."""
    seating = _Seating(counters)
    _seat_in_turn(seating, {s: min(n, required.get(s, 0)) for s, n in planned.items()})
    _seat_in_turn(seating, planned)
    seated = {service: seating.seated(service) for service in planned}
    room = {}
    for service in planned:
        missing = required.get(service, 0) - seated[service]
        if missing <= 0:
            room[service] = 0
            continue
        # Others keep the staff they need, give up their spare ones; how many more fit?
        trial = seating.copy()
        for other in planned:
            if other != service:
                trial.release(other, keep=min(seated[other], required.get(other, 0)))
        room[service] = sum(1 for _n in range(missing) if trial.seat(service))
    return seated, room


def _seat_in_turn(seating: _Seating, wanted: dict[int, int]) -> None:
    """One person of each service at a time, so that a service short of counters is not left
    with nobody while another gets its second; a service no counter can take drops out."""
    waiting = sorted(s for s, n in wanted.items() if seating.seated(s) < n)
    while waiting:
        waiting = [s for s in waiting if seating.seat(s) and seating.seated(s) < wanted[s]]


def apply_counters(rows: list[dict], counters: list[list[int]] | None) -> None:
    """Fill counters, on_counters, gap and room of each row (see the module's docstring)."""
    if counters is None:
        for row in rows:
            planned = row["planned"]
            row.update(
                counters=None,
                on_counters=planned,
                room=None,
                gap=None if planned is None else planned - row["required"],
            )
        return
    per_service: dict[int, int] = defaultdict(int)
    for services in counters:
        for service in services:
            per_service[service] += 1
    by_interval: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        by_interval[(row["day"], row["time"])].append(row)
    for group in by_interval.values():
        planned = {r["service"]: r["planned"] or 0 for r in group}
        required = {r["service"]: r["required"] for r in group}
        seated, room = seat_interval(counters, planned, required)
        for row in group:
            known = row["planned"] is not None
            row["counters"] = per_service.get(row["service"], 0)
            row["on_counters"] = seated[row["service"]] if known else None
            row["room"] = room[row["service"]] if known else None
            row["gap"] = seated[row["service"]] - row["required"] if known else None
