"""Raw history for measuring: tickets, appointments, cases, survey answers; and pledges."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from civicdesk.cases.models import Case
from civicdesk.pledges.models import Pledge
from civicdesk.queues.models import Appointment, AppointmentSlot, Ticket
from civicdesk.surveys.models import Response
from civicdesk.surveys.services import survey_create_default

_sequence = itertools.count(1)


def make_ticket(*, service, joined: datetime, wait_minutes: float | None, **extra) -> Ticket:
    """A ticket that joined at `joined` and was first called `wait_minutes` later (None: never)."""
    called = joined + timedelta(minutes=wait_minutes) if wait_minutes is not None else None
    fields = {
        "site": service.site,
        "service": service,
        "day": joined.date(),
        "prefix": service.prefix,
        "sequence": next(_sequence),
        "channel": "kiosk",
        "status": "done" if called else "cancelled",
        "queued_at": joined,
        "joined_at": joined,
        "called_at": called,
        "started_at": called,
        "finished_at": called + timedelta(minutes=5) if called else None,
        **extra,
    }
    return Ticket.objects.create(**fields)


def make_appointment(*, service, slot_start: datetime, started_minutes_late: float) -> Appointment:
    slot, _ = AppointmentSlot.objects.get_or_create(
        service=service,
        starts_at=slot_start,
        defaults={"ends_at": slot_start + timedelta(minutes=15), "capacity": 5},
    )
    started = slot_start + timedelta(minutes=started_minutes_late)
    ticket = make_ticket(
        service=service,
        joined=slot_start - timedelta(minutes=5),
        wait_minutes=5 + started_minutes_late,
        channel="appointment",
    )
    Ticket.objects.filter(pk=ticket.pk).update(started_at=started)
    return Appointment.objects.create(
        slot=slot,
        name="A visitor",
        email="visitor@example.org",
        status="checked_in",
        ticket=ticket,
        checked_in_at=slot_start - timedelta(minutes=5),
    )


def make_case(*, agency, received: datetime, **extra) -> Case:
    number = next(_sequence)
    fields = {
        "reference": f"{agency.code}-T-{number:06d}",
        "agency": agency,
        "kind": "complaint",
        "channel": "web",
        "subject": "A test case",
        "description": "What happened.",
        "status": "acknowledged",
        "received_at": received,
        "clock_started_at": received,
        **extra,
    }
    return Case.objects.create(**fields)


def make_answer(*, agency, answered: datetime, **scores) -> Response:
    version = survey_create_default(agency=agency).current_version
    return Response.objects.create(
        agency=agency, version=version, answered_at=answered, source="demo", **scores
    )


def make_pledge(*, agency, metric: str, target, **fields) -> Pledge:
    defaults = {"period": "month", "clock_start": _default_clock(metric)}
    return Pledge.objects.create(agency=agency, metric=metric, target=target, **defaults | fields)


def _default_clock(metric: str) -> str:
    from civicdesk.pledges.metrics import SPECS, Source

    return {
        Source.TICKETS: "joined",
        Source.APPOINTMENTS: "slot",
        Source.CASES: "standard",
        Source.ANSWERS: "answered",
    }[SPECS[metric].source]
