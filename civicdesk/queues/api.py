"""JSON API at /api/v1/queues/: citizens join and follow a ticket; staff call and serve."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from civicdesk.core.errors import NotFound
from civicdesk.organisations.calendar import site_calendar
from civicdesk.queues import services
from civicdesk.queues.estimation import estimate_join_wait
from civicdesk.queues.lanes import NORMAL, lane_choices
from civicdesk.queues.lookups import service_for_join
from civicdesk.queues.models import Channel, Counter, Service, Ticket, TicketStatus
from civicdesk.queues.selectors import (
    open_counter_count,
    open_counters_while_waiting,
    people_ahead,
    service_list_public,
    site_for_codes,
    ticket_by_token,
)
from civicdesk.queues.state_cache import shown_wait

router = Router(tags=["queues"])
MAX_ID = 2**31 - 1
LANE_CODES = [code for code, _label in lane_choices()]


def _minutes(delta) -> int:
    return round(delta.total_seconds() / 60)


# --- schemas --------------------------------------------------------------------------------------
class ServiceOut(Schema):
    id: int
    name: str
    names: dict[str, str] = Field(
        default_factory=dict, description="The name in other languages, by language code"
    )
    description: str
    prefix: str
    waiting: int
    open_counters: int
    estimated_wait_minutes: int


class SiteQueuesOut(Schema):
    agency: str
    site: str
    name: str
    names: dict[str, str] = Field(
        default_factory=dict, description="The name in other languages, by language code"
    )
    is_open: bool
    lanes: list[str]
    services: list[ServiceOut]


class TicketJoinIn(Schema):
    service_id: int = Field(..., ge=1, le=MAX_ID)
    lane: str = Field(NORMAL, max_length=20, description="normal or a priority lane code")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    notify_ahead: int | None = Field(None, ge=0, le=services.MAX_NOTIFY_AHEAD)
    notify_minutes: int | None = Field(None, ge=0, le=services.MAX_NOTIFY_MINUTES)
    language: str = Field("en", max_length=10)


class TicketOut(Schema):
    token: str
    number: str
    status: str
    lane: str
    channel: str
    site: str
    service_id: int
    service: str
    people_ahead: int
    estimated_wait_minutes: int
    open_counters: int | None = Field(
        None,
        description="Counters open now that serve the ticket's service, while it waits (with "
        "none, the estimate assumes one opens); null once called, and in the answer to a join",
    )
    counter: str | None
    joined_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    recall_count: int


class StaffTicketOut(Schema):
    id: int
    number: str
    status: str
    lane: str
    channel: str
    service_id: int
    counter_id: int | None
    joined_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    recall_count: int
    outcome_note: str


class CallNextOut(Schema):
    ticket: StaffTicketOut | None


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class TransferIn(Schema):
    service_id: int = Field(..., ge=1, le=MAX_ID)
    note: str = Field("", max_length=500)


class ResumeIn(Schema):
    counter_id: int | None = Field(None, ge=1, le=MAX_ID)


class ErrorOut(Schema):
    detail: str
    code: str


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def ticket_out(
    ticket: Ticket, *, ahead: int | None = None, wait: timedelta | None = None
) -> TicketOut:
    """`ahead`, `wait`: when the caller knows them already (a join just computed them; its
    answer leaves `open_counters` out, to keep a join to its two statements)."""
    counters = open_counters_while_waiting(ticket) if ahead is None else None
    if ahead is None:
        ahead = people_ahead(ticket)
    if wait is None:
        wait = shown_wait(ticket)
    return TicketOut(
        token=ticket.token,
        number=ticket.number,
        status=ticket.status,
        lane=ticket.lane,
        channel=ticket.channel,
        site=ticket.site.name,
        service_id=ticket.service_id,
        service=ticket.service.name,
        people_ahead=ahead,
        estimated_wait_minutes=_minutes(wait),
        open_counters=counters,
        counter=ticket.counter.name
        if ticket.counter_id and ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING)
        else None,
        joined_at=ticket.joined_at,
        called_at=ticket.called_at,
        started_at=ticket.started_at,
        finished_at=ticket.finished_at,
        recall_count=ticket.recall_count,
    )


def _id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise NotFound()
    return value


# --- public ---------------------------------------------------------------------------------------
@router.get(
    "/sites/{agency_code}/{site_code}", response={200: SiteQueuesOut, 404: ErrorOut}, auth=None
)
def site_queues(request: HttpRequest, agency_code: str, site_code: str):
    """A site's services with people waiting and the wait someone joining now would be told."""
    site = site_for_codes(agency_code, site_code)
    if site is None:
        raise NotFound(_("There is no such site."))
    from civicdesk.core.clock import now

    result = []
    for service in service_list_public(site=site):
        result.append(
            ServiceOut(
                id=service.id,
                name=service.name,
                names=service.names or {},
                description=service.description,
                prefix=service.prefix,
                waiting=service.tickets.filter(status=TicketStatus.WAITING).count(),
                open_counters=open_counter_count(service),
                estimated_wait_minutes=_minutes(estimate_join_wait(service, NORMAL)),
            )
        )
    return SiteQueuesOut(
        agency=site.agency.code,
        site=site.code,
        name=site.name,
        names=site.names or {},
        is_open=site_calendar(site).is_open(now()),
        lanes=LANE_CODES,
        services=result,
    )


@router.post("/tickets", response={201: TicketOut, **ERRORS}, auth=None)
def join(request: HttpRequest, payload: TicketJoinIn):
    """Join a queue remotely. Keep the `token`: it is the only way back to the ticket."""
    service = service_for_join(payload.service_id)
    if service is None:
        raise NotFound(_("There is no such service."), code="unknown_service")
    language = payload.language if payload.language in dict(settings.LANGUAGES) else "en"
    ticket = services.ticket_issue(
        service=service,
        channel=Channel.REMOTE,
        lane=payload.lane,
        phone=payload.phone,
        email=payload.email,
        notify_ahead=payload.notify_ahead,
        notify_minutes=payload.notify_minutes,
        language=language,
        history_max_age=settings.CIVICDESK_QUEUES_JOIN_HISTORY_SECONDS,
        estimate_max_age=settings.CIVICDESK_QUEUES_ESTIMATE_SECONDS,
    )
    wait = timedelta(seconds=ticket.estimate_at_join_seconds or 0)
    return Status(201, ticket_out(ticket, ahead=ticket.ahead_at_join, wait=wait))


@router.get("/tickets/{token}", response={200: TicketOut, 404: ErrorOut}, auth=None)
def ticket_detail(request: HttpRequest, token: str):
    """A ticket's status, people ahead and estimated wait."""
    ticket = ticket_by_token(token[:64])
    if ticket is None:
        raise NotFound(_("There is no such ticket."))
    return ticket_out(ticket)


@router.post("/tickets/{token}/cancel", response={200: TicketOut, **ERRORS}, auth=None)
def ticket_cancel(request: HttpRequest, token: str):
    """Leave the queue."""
    ticket = ticket_by_token(token[:64])
    if ticket is None:
        raise NotFound(_("There is no such ticket."))
    services.ticket_cancel(ticket=ticket)
    return ticket_out(ticket_by_token(ticket.token))


# --- staff ----------------------------------------------------------------------------------------
def _staff_ticket(request, ticket_id: int) -> Ticket:
    # Not scoped here: the service checks the officer's sites and answers 403 for another site.
    ticket = Ticket.objects.select_related("site").filter(pk=_id(ticket_id)).first()
    if ticket is None:
        raise NotFound(_("There is no such ticket."))
    return ticket


def _counter(counter_id: int) -> Counter:
    counter = Counter.objects.filter(pk=_id(counter_id)).first()
    if counter is None:
        raise NotFound(_("There is no such counter."))
    return counter


def staff_out(ticket: Ticket) -> StaffTicketOut:
    return StaffTicketOut(
        id=ticket.id,
        number=ticket.number,
        status=ticket.status,
        lane=ticket.lane,
        channel=ticket.channel,
        service_id=ticket.service_id,
        counter_id=ticket.counter_id,
        joined_at=ticket.joined_at,
        called_at=ticket.called_at,
        started_at=ticket.started_at,
        finished_at=ticket.finished_at,
        recall_count=ticket.recall_count,
        outcome_note=ticket.outcome_note,
    )


@router.post("/counters/{counter_id}/open", response={200: dict, **ERRORS})
def counter_open(request, counter_id: int):
    counter = services.counter_open(actor=request.user, counter=_counter(counter_id))
    return {"id": counter.id, "is_open": counter.is_open}


@router.post("/counters/{counter_id}/close", response={200: dict, **ERRORS})
def counter_close(request, counter_id: int):
    counter = services.counter_close(actor=request.user, counter=_counter(counter_id))
    return {"id": counter.id, "is_open": counter.is_open}


@router.post("/counters/{counter_id}/call-next", response={200: CallNextOut, **ERRORS})
def call_next(request, counter_id: int):
    """Call the next visitor by the lane rule; `ticket` is null when nobody is waiting."""
    # The service reads (and locks) the counter itself: 404 when there is none.
    ticket = services.ticket_call_next(actor=request.user, counter=_id(counter_id))
    return CallNextOut(ticket=staff_out(ticket) if ticket else None)


@router.post("/staff/tickets/{ticket_id}/recall", response={200: StaffTicketOut, **ERRORS})
def recall(request, ticket_id: int):
    return staff_out(
        services.ticket_recall(actor=request.user, ticket=_staff_ticket(request, ticket_id))
    )


@router.post("/staff/tickets/{ticket_id}/start", response={200: StaffTicketOut, **ERRORS})
def start(request, ticket_id: int):
    # By id: the service reads and locks the ticket (404 when there is none, 403 for another site).
    return staff_out(services.ticket_start(actor=request.user, ticket=_id(ticket_id)))


@router.post("/staff/tickets/{ticket_id}/finish", response={200: StaffTicketOut, **ERRORS})
def finish(request, ticket_id: int, payload: NoteIn):
    return staff_out(
        services.ticket_finish(actor=request.user, ticket=_id(ticket_id), note=payload.note)
    )


@router.post("/staff/tickets/{ticket_id}/hold", response={200: StaffTicketOut, **ERRORS})
def hold(request, ticket_id: int, payload: NoteIn):
    return staff_out(
        services.ticket_hold(
            actor=request.user, ticket=_staff_ticket(request, ticket_id), note=payload.note
        )
    )


@router.post("/staff/tickets/{ticket_id}/resume", response={200: StaffTicketOut, **ERRORS})
def resume(request, ticket_id: int, payload: ResumeIn):
    counter = _counter(payload.counter_id) if payload.counter_id else None
    return staff_out(
        services.ticket_resume(
            actor=request.user, ticket=_staff_ticket(request, ticket_id), counter=counter
        )
    )


@router.post("/staff/tickets/{ticket_id}/no-show", response={200: StaffTicketOut, **ERRORS})
def no_show(request, ticket_id: int):
    return staff_out(
        services.ticket_no_show(actor=request.user, ticket=_staff_ticket(request, ticket_id))
    )


@router.post("/staff/tickets/{ticket_id}/transfer", response={200: StaffTicketOut, **ERRORS})
def transfer(request, ticket_id: int, payload: TransferIn):
    service = Service.objects.filter(pk=payload.service_id).first()
    if service is None:
        raise NotFound(_("There is no such service."))
    return staff_out(
        services.ticket_transfer(
            actor=request.user,
            ticket=_staff_ticket(request, ticket_id),
            service=service,
            note=payload.note,
        )
    )
