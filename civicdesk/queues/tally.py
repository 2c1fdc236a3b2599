"""The waiting tally (`models.WaitingTally`): the database triggers that keep it, and a recount
that puts it right if it ever drifts.

The triggers live in the database, so every way a ticket is written counts: the ORM, the
one-statement join, the officers' data-modifying CTEs, bulk inserts. Two things undo them, and a
migration that does either must call `install_triggers` again (and `recount`):

- on SQLite, any migration that makes Django rebuild the ticket table (most AlterField, an
  AddField with a default) drops them silently (`test_the_tally_triggers_are_in_place` fails);
- on PostgreSQL, changing the type of `status`, `lane` or `service_id` is refused while the
  triggers use them: drop them first (`drop_triggers`), install them after.

Deleting a waiting ticket is not counted (tickets leave the queue by status; the admin cannot
delete them); `TRUNCATE` and a data-only restore without triggers are not either. The periodic
task `queues.recount_tally` (hourly) finds and mends any such drift and logs it.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction

log = logging.getLogger(__name__)

POSTGRESQL = """
CREATE OR REPLACE FUNCTION queues_waiting_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO queues_waitingtally (service_id, priority, side, n)
    VALUES (NEW.service_id, NEW.lane <> 'normal', 'arrived', 1)
    ON CONFLICT (service_id, priority, side) DO UPDATE SET n = queues_waitingtally.n + 1;
    RETURN NULL;
  END IF;
  IF OLD.status = 'waiting' THEN
    INSERT INTO queues_waitingtally (service_id, priority, side, n)
    VALUES (OLD.service_id, OLD.lane <> 'normal', 'left', 1)
    ON CONFLICT (service_id, priority, side) DO UPDATE SET n = queues_waitingtally.n + 1;
  END IF;
  IF NEW.status = 'waiting' THEN
    INSERT INTO queues_waitingtally (service_id, priority, side, n)
    VALUES (NEW.service_id, NEW.lane <> 'normal', 'left', -1)
    ON CONFLICT (service_id, priority, side) DO UPDATE SET n = queues_waitingtally.n - 1;
  END IF;
  RETURN NULL;
END $$
"""
POSTGRESQL_INSERT = """
CREATE TRIGGER queues_ticket_tally_insert AFTER INSERT ON queues_ticket FOR EACH ROW
  WHEN (NEW.status = 'waiting') EXECUTE FUNCTION queues_waiting_tally()
"""
POSTGRESQL_UPDATE = """
CREATE TRIGGER queues_ticket_tally_update AFTER UPDATE ON queues_ticket FOR EACH ROW
  WHEN ((OLD.status = 'waiting' OR NEW.status = 'waiting') AND (
    OLD.status IS DISTINCT FROM NEW.status OR OLD.service_id <> NEW.service_id
    OR OLD.lane <> NEW.lane))
  EXECUTE FUNCTION queues_waiting_tally()
"""
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS queues_ticket_tally_update ON queues_ticket",
    "DROP TRIGGER IF EXISTS queues_ticket_tally_insert ON queues_ticket",
    "DROP FUNCTION IF EXISTS queues_waiting_tally()",
]
SQLITE_INSERT = """
CREATE TRIGGER queues_ticket_tally_insert AFTER INSERT ON queues_ticket
WHEN NEW.status = 'waiting' BEGIN
  INSERT INTO queues_waitingtally (service_id, priority, side, n)
  VALUES (NEW.service_id, NEW.lane <> 'normal', 'arrived', 1)
  ON CONFLICT (service_id, priority, side) DO UPDATE SET n = n + 1;
END
"""
SQLITE_UPDATE = """
CREATE TRIGGER queues_ticket_tally_update AFTER UPDATE OF status, service_id, lane ON queues_ticket
WHEN (OLD.status = 'waiting' OR NEW.status = 'waiting') AND (
  OLD.status IS NOT NEW.status OR OLD.service_id <> NEW.service_id OR OLD.lane <> NEW.lane)
BEGIN
  INSERT INTO queues_waitingtally (service_id, priority, side, n)
  SELECT OLD.service_id, OLD.lane <> 'normal', 'left', 1 WHERE OLD.status = 'waiting'
  ON CONFLICT (service_id, priority, side) DO UPDATE SET n = n + 1;
  INSERT INTO queues_waitingtally (service_id, priority, side, n)
  SELECT NEW.service_id, NEW.lane <> 'normal', 'left', -1 WHERE NEW.status = 'waiting'
  ON CONFLICT (service_id, priority, side) DO UPDATE SET n = n - 1;
END
"""
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS queues_ticket_tally_update",
    "DROP TRIGGER IF EXISTS queues_ticket_tally_insert",
]
# The tickets already waiting when the triggers start counting (migration 0006).
START = """
INSERT INTO queues_waitingtally (service_id, priority, side, n)
SELECT service_id, lane <> 'normal', 'arrived', COUNT(*) FROM queues_ticket
WHERE status = 'waiting' GROUP BY service_id, lane <> 'normal'
"""


# What the tally must equal (the same count as START), and what it says.
_REAL = """
SELECT service_id, lane <> 'normal', COUNT(*) FROM queues_ticket
WHERE status = 'waiting' GROUP BY service_id, lane <> 'normal'
"""
_TALLIED = """
SELECT service_id, priority, SUM(CASE WHEN side = 'arrived' THEN n ELSE -n END)
FROM queues_waitingtally GROUP BY service_id, priority
"""


def install_triggers(schema_editor) -> None:
    """Create the triggers (from a migration's RunPython, with its schema editor)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRESQL, POSTGRESQL_INSERT, POSTGRESQL_UPDATE]
    elif vendor == "sqlite":
        statements = [SQLITE_INSERT, SQLITE_UPDATE]
    else:  # pragma: no cover - civicdesk runs on PostgreSQL and SQLite only
        raise NotImplementedError(vendor)
    for sql in statements:
        schema_editor.execute(sql, params=None)


def drop_triggers(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(sql, params=None)


def recount() -> int:
    """Make the tally equal to the waiting tickets; how many (service, lane) sums were off.

    On PostgreSQL the tally is locked against the triggers meanwhile (joins wait for a count of
    the waiting, a few ms); a ticket written before the lock is counted, one after it is tallied
    by its trigger once the lock goes."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE queues_waitingtally IN EXCLUSIVE MODE")
        cursor.execute(_REAL)
        real = {(sid, bool(p)): int(n) for sid, p, n in cursor.fetchall()}
        cursor.execute(_TALLIED)
        tallied = {(sid, bool(p)): int(n) for sid, p, n in cursor.fetchall()}
        off = sorted(k for k in real.keys() | tallied.keys() if real.get(k, 0) != tallied.get(k, 0))
        for service_id, priority in off:
            log.warning(
                "queues: waiting tally of service %s (%s) was %s, counted %s: mended",
                service_id,
                "priority" if priority else "normal",
                tallied.get((service_id, priority), 0),
                real.get((service_id, priority), 0),
            )
            cursor.execute(
                "DELETE FROM queues_waitingtally WHERE service_id = %s AND priority = %s",
                [service_id, priority],
            )
            cursor.execute(
                "INSERT INTO queues_waitingtally (service_id, priority, side, n) "
                "VALUES (%s, %s, 'arrived', %s)",
                [service_id, priority, real.get((service_id, priority), 0)],
            )
    return len(off)
