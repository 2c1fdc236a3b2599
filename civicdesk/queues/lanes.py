"""Priority lanes: which exist, and the one rule that decides who is called next.

The rule (shown to visitors and officers; `call_order` below is its only implementation):

- A ticket is in the *normal* lane or in a *priority* lane (elderly, disabled, pregnant, checked-in
  appointments; the list is the `CIVICDESK_QUEUE_PRIORITY_LANES` setting).
- Within a lane, tickets are called in the order they joined (their `queued_at`).
- Priority tickets are called before normal ones, but never more than K in a row while a normal
  ticket is waiting (K is the service's `priority_run`, 2 by default). After K priority calls the
  next call takes the first normal ticket, and the run starts again.
- So a priority ticket waits for at most one normal call per K priority calls, and a normal ticket
  is passed over by at most K priority tickets per call: neither lane can starve.
- A counter serving several services calls, among each service's next ticket by this rule, the one
  that joined first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.conf import settings
from django.utils.translation import gettext_lazy as _

NORMAL = "normal"
APPOINTMENT = "appointment"

T = TypeVar("T")


def priority_lanes() -> dict[str, str]:
    """Configured priority lanes (code -> label), plus checked-in appointments."""
    lanes = dict(getattr(settings, "CIVICDESK_QUEUE_PRIORITY_LANES", {}))
    lanes.setdefault(APPOINTMENT, _("Appointment"))
    return lanes


def lane_choices(*, with_appointment: bool = False) -> list[tuple[str, str]]:
    choices = [(NORMAL, _("No priority"))]
    choices += [
        (code, label)
        for code, label in priority_lanes().items()
        if with_appointment or code != APPOINTMENT
    ]
    return choices


def lane_label(code: str) -> str:
    return dict(lane_choices(with_appointment=True)).get(code, code)


def is_priority(lane: str) -> bool:
    return lane != NORMAL


def take_priority(*, priority_waiting: bool, normal_waiting: bool, run: int, limit: int) -> bool:
    """Should the next call take the priority lane? `run` = priority calls in a row so far."""
    if not priority_waiting:
        return False
    if not normal_waiting:
        return True
    return run < max(limit, 1)


def call_order(
    priority: Sequence[T], normal: Sequence[T], *, run: int, limit: int
) -> list[tuple[T, int]]:
    """The order in which the waiting tickets of one service will be called, with the run after
    each call, assuming nobody else joins. Both inputs are already in `queued_at` order."""
    order: list[tuple[T, int]] = []
    p = n = 0
    while p < len(priority) or n < len(normal):
        if take_priority(
            priority_waiting=p < len(priority),
            normal_waiting=n < len(normal),
            run=run,
            limit=limit,
        ):
            order.append((priority[p], run + 1))
            p, run = p + 1, run + 1
        else:
            order.append((normal[n], 0))
            n, run = n + 1, 0
    return order


def calls_before(
    *, lane_is_priority: bool, same_lane_ahead: int, other_lane_waiting: int, run: int, limit: int
) -> int:
    """How many calls come before a ticket by `call_order`, from counts alone (no rows loaded).

    `same_lane_ahead`: waiting tickets of its own lane that joined before it;
    `other_lane_waiting`: all waiting tickets of the other lane.
    """
    limit = max(limit, 1)
    first_run = max(limit - run, 0)  # priority calls before the first normal one
    if lane_is_priority:
        if same_lane_ahead < first_run:
            normal_before = 0
        else:
            normal_before = 1 + (same_lane_ahead - first_run) // limit
        return same_lane_ahead + min(other_lane_waiting, normal_before)
    return same_lane_ahead + min(other_lane_waiting, first_run + same_lane_ahead * limit)
