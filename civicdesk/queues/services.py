"""Writes for tickets and counters. Each is atomic, checks permissions, audits staff actions and
publishes a ticket event after commit (events.py)."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicdesk.audit.services import audit_entry_new, audit_record
from civicdesk.core.clock import now
from civicdesk.core.errors import Conflict, NotFound, ValidationFailed
from civicdesk.core.inserts import bound_cursor, insert_values, mark_saved
from civicdesk.organisations.calendar import site_calendar
from civicdesk.organisations.permissions import Access, Area, Target, require
from civicdesk.queues import notices
from civicdesk.queues.events import publish_on_commit, publish_site_on_commit
from civicdesk.queues.lanes import APPOINTMENT, NORMAL, priority_lanes, take_priority
from civicdesk.queues.models import (
    OPEN_STATUSES,
    Channel,
    Counter,
    Service,
    Ticket,
    TicketSequence,
)
from civicdesk.queues.models import TicketStatus as S
from civicdesk.queues.workflows import ticket_move, ticket_set_status
from civicdesk.surveys.integration import invite_after_ticket

PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")
MAX_NOTIFY_AHEAD = 50
MAX_NOTIFY_MINUTES = 240


# --- helpers ------------------------------------------------------------------------------------
def _site_target(site) -> Target:
    return Target(agency_id=site.agency_id, site_id=site.id)


def _require_site(actor, site) -> None:
    require(actor, Area.QUEUES, Access.WRITE, _site_target(site))


def _profile(actor):
    return getattr(actor, "staff_profile", None) if actor is not None else None


def local_day(site, at: datetime) -> date:
    return at.astimezone(ZoneInfo(site.timezone)).date()


def next_sequence(*, site_id: int, day: date, prefix: str) -> int:
    """Take the next number for (site, day, letter) in the caller's transaction.

    One INSERT ... ON CONFLICT DO UPDATE ... RETURNING statement: the row lock it takes is held
    until commit, so concurrent joins queue on it and a rolled-back join gives its number back.
    No gaps, no repeats, on SQLite (3.35+) and PostgreSQL alike.
    """
    table = connection.ops.quote_name(TicketSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (site_id, day, prefix, last) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (site_id, day, prefix) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [site_id, day, prefix],
        )
        return cursor.fetchone()[0]


def _validate_contact(phone: str, email: str, notify_ahead, notify_minutes) -> None:
    errors = {}
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("Enter a mobile number like +852 9123 4567.")
    if email and ("@" not in email or len(email) > 254 or " " in email.strip()):
        errors["email"] = _("Enter an email address like name@example.com.")
    if notify_ahead is not None and not 0 <= notify_ahead <= MAX_NOTIFY_AHEAD:
        errors["notify_ahead"] = _("Choose between 0 and %(n)d people.") % {"n": MAX_NOTIFY_AHEAD}
    if notify_minutes is not None and not 0 <= notify_minutes <= MAX_NOTIFY_MINUTES:
        errors["notify_minutes"] = _("Choose between 0 and %(n)d minutes.") % {
            "n": MAX_NOTIFY_MINUTES
        }
    if (notify_ahead is not None or notify_minutes is not None) and not (phone or email):
        errors["phone"] = _("Give a mobile number or an email address to be told.")
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)


def _lock_ticket(ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.select_for_update(of=("self",), no_key=True)
        .select_related("service", "site", "site__agency", "counter")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFound(_("There is no such ticket."))
    return ticket


def _staff_ticket(actor, ticket: Ticket | int) -> Ticket:
    ticket = _lock_ticket(ticket if isinstance(ticket, int) else ticket.pk)
    _require_site(actor, ticket.site)
    return ticket


def _counter_for(actor, counter: Counter | int, *, site=None) -> Counter:
    counter = (
        Counter.objects.select_for_update(of=("self",), no_key=True)
        .select_related("site", "site__agency")
        .filter(pk=counter if isinstance(counter, int) else counter.pk)
        .first()
    )
    if counter is None or not counter.is_active:
        raise NotFound(_("There is no such counter."))
    _require_site(actor, counter.site)
    if site is not None and counter.site_id != site.id:
        raise Conflict(
            _("Counter %(counter)s is at another site.") % {"counter": counter.name},
            code="wrong_site",
        )
    return counter


def _audit(actor, action: str, ticket: Ticket, **data) -> None:
    audit_record(
        actor=actor,
        action=f"ticket.{action}",
        target=ticket,
        agency=ticket.site.agency,
        data={"number": ticket.number, "site": ticket.site_id, **data},
    )


def _audit_entry(actor, action: str, ticket: Ticket, **data):
    """The entry `_audit` writes, for `ticket_move` to write with the ticket's own rows."""
    return audit_entry_new(
        actor=actor,
        action=f"ticket.{action}",
        target=ticket,
        agency=ticket.site.agency,
        data={"number": ticket.number, "site": ticket.site_id, **data},
    )


# --- joining ------------------------------------------------------------------------------------
def ticket_issue(
    *,
    service: Service,
    channel: str,
    actor=None,
    lane: str = NORMAL,
    phone: str = "",
    email: str = "",
    notify_ahead: int | None = None,
    notify_minutes: int | None = None,
    language: str = "en",
    queued_at: datetime | None = None,
    check_open: bool = True,
    history_max_age: float = 0,
    estimate_max_age: float = 0,
) -> Ticket:
    """Give a visitor the next number of a service. Citizens join by kiosk or remotely with no
    actor; staff issue tickets at the door (channel "staff") and are audited.

    The number's row lock (`next_sequence`) is held until commit and every join of the service
    waits on it, so the transaction that takes it does nothing else slow: checks come before,
    and the estimate at join (reads of the whole site) comes after it commits. Inside a caller's
    transaction everything commits together as before.

    `history_max_age`, `estimate_max_age`: see state_cache.py (0, the default: the estimator
    reads everything and runs for this ticket). The returned ticket also carries
    `ahead_at_join`, the people ahead of it when it joined.
    """
    ticket, at = _new_ticket(
        service=service,
        channel=channel,
        actor=actor,
        lane=lane,
        phone=phone,
        email=email,
        notify_ahead=notify_ahead,
        notify_minutes=notify_minutes,
        language=language,
        queued_at=queued_at,
        check_open=check_open,
    )
    from civicdesk.queues.state_cache import join_estimate

    estimated_first = estimate_max_age > 0
    if estimated_first:
        # Public joins over HTTP at a busy site: the estimator runs at most every
        # `estimate_max_age` seconds per service and lane, and joins in between are placed from
        # it (state_cache.py); the estimate is known before the insert and goes in with it.
        wait, ticket.estimate_features, ticket.ahead_at_join = join_estimate(
            ticket, max_age=estimate_max_age, history_max_age=history_max_age
        )
        ticket.estimate_at_join_seconds = int(wait.total_seconds())
    # A visitor who left a number or address and is already in this queue today (joined twice,
    # from home and again at the door, or pressed twice) keeps the ticket they have: checked
    # under the number's lock, so two joins at the same instant cannot both pass.
    once_per_contact = ticket.channel in (Channel.KIOSK, Channel.REMOTE) and bool(
        ticket.phone or ticket.email
    )
    if (
        not once_per_contact
        and actor is None
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    ):
        _insert_numbered_at_once(ticket, at)
    else:
        try:
            with transaction.atomic():
                # From here to commit every other join of this letter waits: only inserts remain.
                ticket.sequence = next_sequence(
                    site_id=ticket.site_id, day=ticket.day, prefix=ticket.prefix
                )
                held = _held_by_same_visitor(ticket) if once_per_contact else None
                if held is not None:
                    raise _AlreadyQueued(held)  # rolls the number back: no gap
                ticket.save()
                ticket_set_status_initial(ticket, at)
                if actor is not None:
                    _audit(actor, "issue", ticket, channel=ticket.channel, lane=lane)
        except _AlreadyQueued as already:
            held = already.ticket
            notices.ticket_link_again(held)
            raise Conflict(
                _(
                    "This mobile number or email address already has ticket %(number)s in the "
                    "queue for %(service)s today. We have sent the link to that ticket again."
                )
                % {"number": held.number, "service": held.service.display_name},
                code="already_queued",
            ) from None
    if not estimated_first:
        # The estimator runs for this very ticket, reading the whole site after the commit.
        wait, ticket.estimate_features, ticket.ahead_at_join = join_estimate(
            ticket, max_age=0, history_max_age=history_max_age
        )
        ticket.estimate_at_join_seconds = int(wait.total_seconds())
        Ticket.objects.filter(pk=ticket.pk).update(
            estimate_at_join_seconds=ticket.estimate_at_join_seconds,
            estimate_features=ticket.estimate_features,
        )
    # A join moves nobody else closer to a call: only the newcomer may be near already.
    if ticket.notify_ahead is not None or ticket.notify_minutes is not None:
        with transaction.atomic():
            notices.check_near_joined(ticket, ahead=ticket.ahead_at_join, wait=wait)
    publish_on_commit(ticket, "issued")  # at once, or when the caller's transaction commits
    return ticket


def _has_site_loaded(service: Service) -> bool:
    """`service` was read just now with its site and agency (the API's join does)."""
    site = service._state.fields_cache.get("site")
    return site is not None and "agency" in site._state.fields_cache


class _AlreadyQueued(Exception):
    def __init__(self, ticket: Ticket) -> None:
        super().__init__(ticket.pk)
        self.ticket = ticket


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _held_by_same_visitor(ticket: Ticket) -> Ticket | None:
    """An open ticket of the same service and day with the same email address (any case) or
    mobile number (the same digits, or the same last 8 when one has a country code)."""
    found = Ticket.objects.filter(
        service_id=ticket.service_id, day=ticket.day, status__in=OPEN_STATUSES
    ).select_related("site", "site__agency", "service")
    digits = _digits(ticket.phone)
    if ticket.email:
        same = found.filter(email__iexact=ticket.email).first()
        if same is not None:
            return same
    if len(digits) >= 4:
        for other in found.filter(phone__endswith=digits[-4:]):
            theirs = _digits(other.phone)
            if theirs == digits or (
                min(len(theirs), len(digits)) >= 8 and theirs[-8:] == digits[-8:]
            ):
                return other
    return None


def _new_ticket(
    *,
    service: Service,
    channel: str,
    actor,
    lane: str,
    phone: str,
    email: str,
    notify_ahead: int | None,
    notify_minutes: int | None,
    language: str,
    queued_at: datetime | None,
    check_open: bool,
) -> Ticket:
    at = now()
    channel = Channel(channel) if channel in Channel.values else None
    if channel is None:
        raise ValidationFailed(_("Unknown channel."), errors={"channel": _("Unknown channel.")})
    if not _has_site_loaded(service):
        service = Service.objects.select_related("site", "site__agency").get(pk=service.pk)
    site = service.site
    if not (service.is_active and site.is_active and site.agency.is_active):
        raise NotFound(_("This service is not available."), code="unknown_service")
    if channel == Channel.STAFF:
        _require_site(actor, site)
    appointment_lane = lane == APPOINTMENT and channel == Channel.APPOINTMENT
    if (
        lane != NORMAL
        and not appointment_lane
        and (lane not in priority_lanes() or lane == APPOINTMENT)
    ):
        raise ValidationFailed(
            _("Choose a lane from the list."), errors={"lane": _("Choose a lane from the list.")}
        )
    phone, email = (phone or "").strip(), (email or "").strip()
    _validate_contact(phone, email, notify_ahead, notify_minutes)
    if check_open and not site_calendar(site, cached=True).is_open(at):
        raise Conflict(
            _("%(site)s is closed now. Please come back when it is open.")
            % {"site": site.display_name},
            code="site_closed",
        )
    day = local_day(site, at)
    ticket = Ticket(
        site=site,
        service=service,
        day=day,
        prefix=service.prefix,
        channel=channel,
        lane=lane,
        queued_at=queued_at or at,
        joined_at=at,
        phone=phone,
        email=email,
        notify_ahead=notify_ahead,
        notify_minutes=notify_minutes,
        language=language[:10] or "en",
    )
    return ticket, at


def _insert_numbered_at_once(ticket: Ticket, at: datetime) -> None:
    """PostgreSQL, outside any transaction: number, ticket and its first period in ONE statement.

    The statement is its own transaction, so the number's row lock is held for the time the
    server takes to run three inserts, not for round trips to a Python thread that may be
    waiting for the GIL behind dozens of others (under load that made every join queue behind
    the slowest thread). Same guarantees as `next_sequence`: no gaps, no repeats.
    """
    from civicdesk.queues.models import TicketPeriod

    period = TicketPeriod(status=S.WAITING, service_id=ticket.service_id, started_at=at)
    qn = connection.ops.quote_name
    t_cols, t_vals = insert_values(ticket, {"sequence"})
    p_cols, p_vals = insert_values(period, {"ticket_id"})
    seq_table = qn(TicketSequence._meta.db_table)
    sql = (
        f"WITH seq AS (INSERT INTO {seq_table} (site_id, day, prefix, last) "  # noqa: S608
        f"VALUES (%s, %s, %s, 1) ON CONFLICT (site_id, day, prefix) "
        f"DO UPDATE SET last = {seq_table}.last + 1 RETURNING last), "
        f"t AS (INSERT INTO {qn(Ticket._meta.db_table)} ({', '.join(t_cols)}, {qn('sequence')}) "
        f"VALUES ({', '.join(['%s'] * len(t_vals))}, (SELECT last FROM seq)) "
        "RETURNING id, sequence), "
        f"p AS (INSERT INTO {qn(TicketPeriod._meta.db_table)} ({qn('ticket_id')}, "
        f"{', '.join(p_cols)}) VALUES ((SELECT id FROM t), {', '.join(['%s'] * len(p_vals))})) "
        "SELECT id, sequence FROM t"
    )
    with bound_cursor() as cursor:
        cursor.execute(sql, [ticket.site_id, ticket.day, ticket.prefix, *t_vals, *p_vals])
        pk, ticket.sequence = cursor.fetchone()
    mark_saved(ticket, pk)


def ticket_set_status_initial(ticket: Ticket, at: datetime) -> None:
    """Open the first (waiting) period of a new ticket."""
    from civicdesk.queues.models import TicketPeriod

    TicketPeriod.objects.create(
        ticket=ticket, status=S.WAITING, service_id=ticket.service_id, started_at=at
    )


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor=None, reason: str = "") -> Ticket:
    """The visitor (by their ticket link, no actor) or staff cancel an open ticket."""
    ticket = _lock_ticket(ticket.pk) if actor is None else _staff_ticket(actor, ticket)
    if ticket.status not in (S.WAITING, S.CALLED, S.ON_HOLD):
        raise Conflict(_("This ticket is no longer in the queue."), code="not_waiting")
    at = now()
    ticket_set_status(ticket, S.CANCELLED, at=at, officer=_profile(actor))
    ticket.finished_at = at
    ticket.save(update_fields=["status", "finished_at"])
    if actor is not None:
        _audit(actor, "cancel", ticket, reason=reason[:200])
    notices.check_near(ticket.service)
    publish_on_commit(ticket, "cancelled")
    return ticket


# --- counters -----------------------------------------------------------------------------------
@transaction.atomic
def counter_open(*, actor, counter: Counter) -> Counter:
    counter = _counter_for(actor, counter)
    profile = _profile(actor)
    if counter.is_open and counter.officer_id not in (None, getattr(profile, "id", None)):
        raise Conflict(
            _("%(counter)s is open with another officer.") % {"counter": counter},
            code="counter_taken",
        )
    counter.is_open, counter.officer, counter.opened_at = True, profile, now()
    counter.save(update_fields=["is_open", "officer", "opened_at", "updated_at"])
    audit_record(actor=actor, action="counter.open", target=counter, agency=None)
    publish_site_on_commit(counter.site_id)
    return counter


@transaction.atomic
def counter_close(*, actor, counter: Counter) -> Counter:
    counter = _counter_for(actor, counter)
    if Ticket.objects.filter(counter=counter, status__in=[S.CALLED, S.SERVING]).exists():
        raise Conflict(
            _("Finish the visitor at this counter before closing it."), code="counter_busy"
        )
    counter.is_open, counter.officer, counter.opened_at = False, None, None
    counter.save(update_fields=["is_open", "officer", "opened_at", "updated_at"])
    audit_record(actor=actor, action="counter.close", target=counter, agency=None)
    publish_site_on_commit(counter.site_id)
    return counter


# --- serving ------------------------------------------------------------------------------------
def _next_candidate(service: Service) -> Ticket | None:
    if connection.vendor == "postgresql":
        first_priority = first_normal = None
        for ticket in Ticket.objects.raw(_candidates_sql(), [service.pk, S.WAITING, NORMAL] * 2):
            if ticket.lane == NORMAL:
                first_normal = ticket
            else:
                first_priority = ticket
    else:
        waiting = Ticket.objects.filter(service=service, status=S.WAITING).order_by(
            "queued_at", "id"
        )
        first_priority = waiting.exclude(lane=NORMAL).first()
        first_normal = waiting.filter(lane=NORMAL).first()
    use_priority = take_priority(
        priority_waiting=first_priority is not None,
        normal_waiting=first_normal is not None,
        run=service.priority_streak,
        limit=service.priority_run,
    )
    return first_priority if use_priority else first_normal


@functools.cache
def _candidates_sql() -> str:
    """PostgreSQL: the first waiting ticket of a service in the priority lanes and the first in
    the normal lane, each locked (skipping any another transaction holds), in one statement.
    Parameters: (service id, "waiting", "normal") for each."""
    qn = connection.ops.quote_name
    table = qn(Ticket._meta.db_table)
    service, status, lane = (
        qn(Ticket._meta.get_field(f).column) for f in ("service", "status", "lane")
    )
    order = f"{qn('queued_at')}, {qn('id')}"
    first = [
        f"SELECT * FROM {table} WHERE {service} = %s AND {status} = %s AND {lane} {op} %s "  # noqa: S608
        f"ORDER BY {order} LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED"
        for op in ("<>", "=")
    ]
    return f"WITH p AS ({first[0]}), n AS ({first[1]}) SELECT * FROM p UNION ALL SELECT * FROM n"  # noqa: S608


def _busy_at(counter: Counter):
    return Ticket.objects.filter(counter=counter, status__in=[S.CALLED, S.SERVING])


@transaction.atomic
def ticket_call_next(*, actor, counter: Counter | int) -> Ticket | None:
    """Call the next visitor to `counter` by the lane rule (lanes.py), or None if nobody waits.

    The rows of the services the counter serves are locked (in id order, so two counters never
    deadlock; FOR NO KEY UPDATE, so the deferred foreign-key checks of other transactions, which
    take KEY SHARE on these rows at commit, never wait on us) before the next ticket is chosen: two officers pressing at the same instant are
    served one after the other and never get the same ticket. On SQLite the IMMEDIATE write lock
    taken at BEGIN does the same.

    The counter's own check (is a visitor still at it?) and whether any waiting visitor asked to
    be told when near come with the services' rows, in the statement that locks them: only a
    transaction holding the counter's lock (which we hold) can make the counter busy.
    """
    counter = _counter_for(actor, counter)
    services = list(
        Service.objects.select_for_update(of=("self",), no_key=True)
        .filter(counters=counter, is_active=True)
        .annotate(
            busy_id=Subquery(_busy_at(counter).values("pk")[:1]),
            near_pending=Exists(notices.near_pending(OuterRef("pk"))),
        )
        .order_by("id")
    )
    busy_id = (
        services[0].busy_id if services else _busy_at(counter).values_list("pk", flat=True).first()
    )
    if busy_id is not None:
        busy = Ticket.objects.get(pk=busy_id)
        raise Conflict(
            _("Ticket %(number)s is still at this counter. Finish it or mark it first.")
            % {"number": busy.number},
            code="counter_busy",
        )
    if not services:
        raise Conflict(_("This counter serves no service yet."), code="no_service")
    candidates = [(t, s) for s in services if (t := _next_candidate(s)) is not None]
    if not candidates:
        return None
    ticket, service = min(candidates, key=lambda pair: (pair[0].queued_at, pair[0].pk))
    streak = service.priority_streak + 1 if ticket.lane != NORMAL else 0
    if streak != service.priority_streak:
        service.priority_streak = streak
        service.save(update_fields=["priority_streak"])
    ticket.service, ticket.site = service, counter.site
    return _call(actor, ticket, counter, kind="called", near_pending=service.near_pending)


def _call(
    actor, ticket: Ticket, counter: Counter, *, kind: str, near_pending: bool = True
) -> Ticket:
    at = now()
    profile = _profile(actor)
    if not counter.is_open or counter.officer_id != getattr(profile, "id", None):
        counter.is_open, counter.officer, counter.opened_at = True, profile, counter.opened_at or at
        counter.save(update_fields=["is_open", "officer", "opened_at", "updated_at"])
    ticket.called_at = ticket.called_at or at
    ticket.last_called_at = at
    ticket.counter, ticket.officer = counter, profile
    ticket_move(
        ticket,
        S.CALLED,
        at=at,
        officer=profile,
        counter=counter,
        save_fields=["called_at", "last_called_at", "counter", "officer"],
        audit=_audit_entry(actor, "call", ticket, counter=counter.name),
    )
    notices.ticket_called(ticket, counter)
    if near_pending:
        notices.check_near(ticket.service)
    publish_on_commit(ticket, kind)
    return ticket


def _require_serves(counter: Counter, ticket: Ticket) -> None:
    if not counter.services.filter(pk=ticket.service_id).exists():
        raise Conflict(
            _("%(counter)s does not serve %(service)s.")
            % {"counter": counter, "service": ticket.service.display_name},
            code="wrong_counter",
        )


@transaction.atomic
def ticket_call(*, actor, counter: Counter, ticket: Ticket) -> Ticket:
    """Call one particular waiting ticket (an officer's choice, e.g. someone back from hold)."""
    ticket = _staff_ticket(actor, ticket)
    counter = _counter_for(actor, counter, site=ticket.site)
    _require_serves(counter, ticket)
    if Ticket.objects.filter(counter=counter, status__in=[S.CALLED, S.SERVING]).exists():
        raise Conflict(_("Finish the visitor at this counter first."), code="counter_busy")
    return _call(actor, ticket, counter, kind="called")


@transaction.atomic
def ticket_recall(*, actor, ticket: Ticket) -> Ticket:
    """Call the same visitor again: at most `max_recalls` times, `recall_gap_seconds` apart."""
    ticket = _staff_ticket(actor, ticket)
    if ticket.status != S.CALLED:
        raise Conflict(_("Only a called ticket can be recalled."), code="not_called")
    service, at = ticket.service, now()
    if ticket.recall_count >= service.max_recalls:
        raise Conflict(
            _("%(number)s was recalled %(n)d times already. Mark them as not come.")
            % {"number": ticket.number, "n": ticket.recall_count},
            code="recalls_used",
        )
    gap = timedelta(seconds=service.recall_gap_seconds)
    if ticket.last_called_at and at - ticket.last_called_at < gap:
        wait = int((gap - (at - ticket.last_called_at)).total_seconds()) + 1
        raise Conflict(
            _("Wait %(s)d seconds before recalling, to give the visitor time to come.")
            % {"s": wait},
            code="recall_too_soon",
            retry_after=wait,
        )
    ticket.recall_count += 1
    ticket.last_called_at = at
    ticket.save(update_fields=["recall_count", "last_called_at"])
    _audit(actor, "recall", ticket, recall=ticket.recall_count)
    notices.ticket_called(ticket, ticket.counter)
    publish_on_commit(ticket, "recalled")
    return ticket


@transaction.atomic
def ticket_start(*, actor, ticket: Ticket | int) -> Ticket:
    """The visitor arrived at the counter: serving starts."""
    ticket = _staff_ticket(actor, ticket)
    at = now()
    ticket.started_at = ticket.started_at or at
    ticket.officer = _profile(actor)
    ticket_move(
        ticket,
        S.SERVING,
        at=at,
        officer=ticket.officer,
        counter=ticket.counter,
        save_fields=["started_at", "officer"],
        audit=_audit_entry(actor, "start", ticket),
    )
    publish_on_commit(ticket, "started")
    return ticket


@transaction.atomic
def ticket_finish(*, actor, ticket: Ticket | int, note: str = "") -> Ticket:
    """Served. `note` is a short outcome (what was done), kept with the ticket."""
    ticket = _staff_ticket(actor, ticket)
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationFailed(_("Keep the note under 500 characters."), errors={"note": "long"})
    at = now()
    ticket.finished_at = at
    if note:
        ticket.outcome_note = note
    ticket_move(
        ticket,
        S.DONE,
        at=at,
        save_fields=["finished_at", "outcome_note"],
        audit=_audit_entry(actor, "finish", ticket, note=note),
    )
    profile = _profile(actor)
    if profile is not None and ticket.officer_id == profile.id:
        ticket.officer = profile  # the survey names the officer: no second read of the row
    invite_after_ticket(ticket)  # one-time survey link, if sampled (surveys issue)
    publish_on_commit(ticket, "finished")
    return ticket


@transaction.atomic
def ticket_hold(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    """The visitor goes to fetch something; they come back to this counter without queuing."""
    ticket = _staff_ticket(actor, ticket)
    ticket_set_status(ticket, S.ON_HOLD, at=now(), officer=_profile(actor), counter=ticket.counter)
    if note:
        ticket.outcome_note = note.strip()[:500]
    ticket.save(update_fields=["status", "outcome_note"])
    _audit(actor, "hold", ticket, note=note[:200])
    publish_on_commit(ticket, "held")
    return ticket


@transaction.atomic
def ticket_resume(*, actor, ticket: Ticket, counter: Counter | None = None) -> Ticket:
    """The visitor on hold is back: serving resumes (at `counter`, or where they were)."""
    ticket = _staff_ticket(actor, ticket)
    if ticket.status != S.ON_HOLD:
        raise Conflict(_("This ticket is not on hold."), code="not_on_hold")
    if counter is None and ticket.counter is None:
        raise Conflict(_("Choose the counter to resume at."), code="no_counter")
    counter = _counter_for(actor, counter or ticket.counter, site=ticket.site)
    _require_serves(counter, ticket)  # where the visitor was, or a counter that serves them
    busy = (
        Ticket.objects.filter(counter=counter, status__in=[S.CALLED, S.SERVING])
        .exclude(pk=ticket.pk)
        .first()
    )
    if busy is not None:
        raise Conflict(
            _("Finish %(number)s at this counter first.") % {"number": busy.number},
            code="counter_busy",
        )
    ticket_set_status(ticket, S.SERVING, at=now(), officer=_profile(actor), counter=counter)
    ticket.counter, ticket.officer = counter, _profile(actor)
    ticket.save(update_fields=["status", "counter", "officer"])
    _audit(actor, "resume", ticket, counter=counter.name)
    publish_on_commit(ticket, "resumed")
    return ticket


@transaction.atomic
def ticket_no_show(*, actor, ticket: Ticket) -> Ticket:
    """The called visitor did not come after the service's recalls (or never came back)."""
    ticket = _staff_ticket(actor, ticket)
    if ticket.status == S.CALLED and ticket.recall_count < ticket.service.max_recalls:
        left = ticket.service.max_recalls - ticket.recall_count
        raise Conflict(
            ngettext(
                "Recall %(number)s first: %(left)d recall left before a no-show.",
                "Recall %(number)s first: %(left)d recalls left before a no-show.",
                left,
            )
            % {"number": ticket.number, "left": left},
            code="recalls_left",
        )
    at = now()
    ticket_set_status(ticket, S.NO_SHOW, at=at)
    ticket.finished_at = at
    ticket.save(update_fields=["status", "finished_at"])
    _audit(actor, "no_show", ticket, recalls=ticket.recall_count)
    publish_on_commit(ticket, "no_show")
    return ticket


@transaction.atomic
def ticket_transfer(*, actor, ticket: Ticket, service: Service, note: str = "") -> Ticket:
    """Send the visitor to another service at the same site. They keep their number and their
    place: they queue there by the time they first joined, in their own lane."""
    ticket = _staff_ticket(actor, ticket)
    if ticket.status not in (S.CALLED, S.SERVING):
        raise Conflict(_("Only a called or served ticket can be transferred."), code="not_at_desk")
    target = Service.objects.filter(pk=service.pk).first()
    if target is None or not target.is_active:
        raise NotFound(_("There is no such service."))
    if target.site_id != ticket.site_id:
        raise Conflict(_("You can only transfer to a service at this site."), code="wrong_site")
    if target.pk == ticket.service_id:
        raise Conflict(_("The visitor is already at that service."), code="same_service")
    previous = ticket.service
    ticket.service = target
    ticket_set_status(ticket, S.WAITING, at=now())
    ticket.counter = None
    ticket.transfer_count += 1
    ticket.recall_count = 0
    ticket.near_notified_at = None  # in a new queue: told again when their turn there is near
    if note:
        ticket.outcome_note = note.strip()[:500]
    ticket.save(
        update_fields=[
            "service",
            "status",
            "counter",
            "transfer_count",
            "recall_count",
            "near_notified_at",
            "outcome_note",
        ]
    )
    _audit(actor, "transfer", ticket, from_service=previous.name, to_service=target.name)
    notices.check_near(target)
    publish_on_commit(ticket, "transferred")
    return ticket


@transaction.atomic
def tickets_close_past_days() -> int:
    """Close tickets left open from before each site's today, as of that day's closing time:
    waiting or called ones are cancelled (the visitor left), serving or on-hold ones finished."""
    closed = 0
    at = now()
    open_tickets = (
        Ticket.objects.select_for_update(of=("self",), no_key=True)
        .select_related("site")
        .filter(
            status__in=[S.WAITING, S.CALLED, S.SERVING, S.ON_HOLD],
            day__lt=at.date() + timedelta(days=1),
        )
    )
    for ticket in open_tickets:
        if ticket.day >= local_day(ticket.site, at):
            continue
        intervals = site_calendar(ticket.site).intervals_on(ticket.day)
        closing = max(intervals[-1][1] if intervals else at, ticket.joined_at)
        final = S.DONE if ticket.status in (S.SERVING, S.ON_HOLD) else S.CANCELLED
        if final == S.DONE and ticket.status == S.ON_HOLD:
            ticket_set_status(ticket, S.SERVING, at=closing)
        ticket_set_status(ticket, final, at=closing)
        ticket.finished_at = closing
        ticket.outcome_note = ticket.outcome_note or _("Closed at the end of the day.")
        ticket.save(update_fields=["status", "finished_at", "outcome_note"])
        publish_on_commit(ticket, "finished" if final == S.DONE else "cancelled")
        closed += 1
    return closed
