"""The ticket status table, and the one function that moves a ticket between statuses.

waiting → called → serving → done, with: recall (called stays called), no-show (after the
service's recalls), hold (serving → on_hold → serving, the visitor does not queue again),
transfer (serving or called → waiting at another service, keeping the place), cancel.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from civicdesk.audit.services import audit_written
from civicdesk.core.inserts import bound_cursor, insert_values, mark_saved
from civicdesk.core.workflows import Workflow
from civicdesk.queues.models import FINAL_STATUSES, Ticket, TicketPeriod
from civicdesk.queues.models import TicketStatus as S

TICKET_WORKFLOW = Workflow.declare(
    "ticket",
    {
        S.WAITING: [S.CALLED, S.CANCELLED],
        S.CALLED: [S.SERVING, S.NO_SHOW, S.WAITING, S.CANCELLED],
        S.SERVING: [S.DONE, S.ON_HOLD, S.WAITING],
        S.ON_HOLD: [S.SERVING, S.WAITING, S.NO_SHOW, S.CANCELLED],
        S.DONE: [],
        S.NO_SHOW: [],
        S.CANCELLED: [],
    },
)


def ticket_set_status(
    ticket: Ticket, status: str, *, at: datetime, officer=None, counter=None
) -> TicketPeriod | None:
    """Close the ticket's open period and open the next one. Saves neither the ticket (the caller
    saves it with its other changes) nor returns a period for a final status."""
    TICKET_WORKFLOW.check(ticket.status, status)
    TicketPeriod.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=at)
    ticket.status = status
    if status in FINAL_STATUSES:
        return None
    period = _period_new(ticket, status, at=at, officer=officer, counter=counter)
    period.save(force_insert=True)
    return period


def _period_new(ticket: Ticket, status: str, *, at: datetime, officer, counter) -> TicketPeriod:
    """The unsaved period a ticket opens on entering `status`."""
    return TicketPeriod(
        ticket=ticket,
        status=status,
        service_id=ticket.service_id,
        counter=counter,
        officer=officer,
        started_at=at,
    )


def ticket_move(
    ticket: Ticket,
    status: str,
    *,
    at: datetime,
    officer=None,
    counter=None,
    save_fields: Sequence[str] = (),
    audit=None,
) -> None:
    """`ticket_set_status`, then the ticket saved (its status and `save_fields`) and `audit` (an
    unsaved entry from `audit_entry_new`) written: on PostgreSQL all of it in ONE statement.

    An officer's call, start and finish each wrote four rows one statement at a time, and a
    call does it holding the lock every other call of the service waits on."""
    if connection.vendor != "postgresql":
        ticket_set_status(ticket, status, at=at, officer=officer, counter=counter)
        ticket.save(update_fields=["status", *save_fields])
        if audit is not None:
            audit.save()
            audit_written()
        return
    TICKET_WORKFLOW.check(ticket.status, status)
    ticket.status = status
    qn = connection.ops.quote_name
    periods = qn(TicketPeriod._meta.db_table)
    ended_at, ticket_id = qn("ended_at"), qn(TicketPeriod._meta.get_field("ticket").column)
    parts = [
        f"closed AS (UPDATE {periods} SET {ended_at} = %s "  # noqa: S608
        f"WHERE {ticket_id} = %s AND {ended_at} IS NULL)"
    ]
    params = [TicketPeriod._meta.get_field("ended_at").get_db_prep_save(at, connection), ticket.pk]
    if status not in FINAL_STATUSES:
        period = _period_new(ticket, status, at=at, officer=officer, counter=counter)
        params += _insert(parts, "opened", period)
    if audit is not None:
        params += _insert(parts, "audited", audit, returning=True)
    fields = [Ticket._meta.get_field(name) for name in ("status", *save_fields)]
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    params += [f.get_db_prep_save(f.pre_save(ticket, False), connection) for f in fields]
    params.append(ticket.pk)
    sql = (
        f"WITH {', '.join(parts)} UPDATE {qn(Ticket._meta.db_table)} "  # noqa: S608
        f"SET {assignments} WHERE {qn(Ticket._meta.pk.column)} = %s"
        + (" RETURNING (SELECT id FROM audited)" if audit is not None else "")
    )
    with bound_cursor() as cursor:
        cursor.execute(sql, params)
        if audit is not None:
            mark_saved(audit, cursor.fetchone()[0])
    if audit is not None:
        audit_written()


def _insert(parts: list[str], name: str, obj, *, returning: bool = False) -> list:
    """Add the CTE `name` inserting `obj` to `parts`; returns its parameters."""
    columns, values = insert_values(obj)
    table = connection.ops.quote_name(obj._meta.db_table)
    parts.append(
        f"{name} AS (INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(values))})"
        + (f" RETURNING {connection.ops.quote_name(obj._meta.pk.column)})" if returning else ")")
    )
    return values
