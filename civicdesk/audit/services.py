"""audit_record writes an entry in the caller's transaction; audit_seal chains it; audit_verify checks.

Why two steps: chaining needs one global order. Taking a global lock inside every audited
transaction (as a first version did) made transactions that lock business rows and then audit
deadlock against each other on PostgreSQL under load. Now the entry is written with the
transaction's other rows and no lock; right after commit (and every few seconds from
`civicdesk tick`) `audit_seal` gives the committed, unsealed entries their place in the chain in
one short transaction of its own. An entry is tamper-evident from the moment it is sealed;
`civicdesk audit verify` seals what is pending before it checks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, Subquery

from civicdesk.audit.context import SYSTEM_ORIGIN, current_origin
from civicdesk.audit.models import AuditEntry
from civicdesk.core.clock import now

GENESIS = "0" * 64
log = logging.getLogger("civicdesk.audit")
# Any constant: serialises appends across processes on PostgreSQL (SQLite's IMMEDIATE
# transactions already hold the one write lock).
_ADVISORY_LOCK_KEY = 0x41554449  # "AUDI"


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "agency": entry.agency_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "data": entry.data,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "channel": entry.channel,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    profile = getattr(actor, "staff_profile", None)
    name = profile.display_name if profile is not None else ""
    return f"{actor.get_username()} ({name})" if name else actor.get_username()


def audit_record(
    *,
    actor,
    action: str,
    target: Model | None = None,
    agency=None,
    data: dict | None = None,
) -> AuditEntry:
    """Write an entry. Call it inside the service's own transaction so both commit or neither."""
    entry = audit_entry_new(actor=actor, action=action, target=target, agency=agency, data=data)
    entry.save()
    audit_written()
    return entry


def audit_entry_new(
    *,
    actor,
    action: str,
    target: Model | None = None,
    agency=None,
    data: dict | None = None,
) -> AuditEntry:
    """The entry `audit_record` writes, not saved yet: for a caller that writes it together with
    other rows in one statement (case intake on PostgreSQL), then calls `audit_written()`."""
    origin = current_origin.get(SYSTEM_ORIGIN)
    if agency is None and target is not None:
        agency = getattr(target, "agency", None)
    if agency is None and actor is not None:
        profile = getattr(actor, "staff_profile", None)
        agency = profile.agency if profile is not None else None
    entry = AuditEntry(
        at=now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_actor_label(actor),
        agency=agency,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        data=json.loads(json.dumps(data or {}, default=str)),
        ip=origin.ip,
        user_agent=origin.user_agent,
        channel=origin.channel,
    )
    return entry


def audit_written() -> None:
    """An entry was written in the current transaction: seal the chain after it commits."""
    transaction.on_commit(_seal_after_commit)


# When this process last sealed after a commit (time.monotonic()), or None.
_last_seal: list[float | None] = [None]


def _seal_after_commit() -> None:
    """Seal soon after commit, at most once per AUDIT_SEAL_DEBOUNCE_SECONDS per process.

    Under load one request a second pays the sealing transaction (it seals every entry pending
    by then, in one batch) instead of each request paying its own; what a burst leaves unsealed
    is sealed by the next commit after the pause or by the periodic job (`audit.seal`).
    """
    wait = getattr(settings, "AUDIT_SEAL_DEBOUNCE_SECONDS", 1.0)
    at = time.monotonic()
    last = _last_seal[0]
    if wait and last is not None and at - last < wait:
        return
    _last_seal[0] = at
    try:
        audit_seal()
    except Exception:  # the periodic job seals it a moment later; the entry is stored
        log.exception("sealing the audit chain after commit failed")


def audit_seal(*, batch: int = 5000) -> int:
    """Give committed, unsealed entries their chain position and hash. Returns how many."""
    sealed = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
            # The chain's head comes with the pending entries, in the same statement.
            head = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq")
            pending = list(
                AuditEntry.objects.filter(seq__isnull=True)
                .annotate(
                    head_seq=Subquery(head.values("seq")[:1]),
                    head_hash=Subquery(head.values("hash")[:1]),
                )
                .order_by("id")[:batch]
            )
            if not pending:
                return sealed
            first = pending[0]
            seq, prev = (
                (first.head_seq, first.head_hash) if first.head_seq is not None else (0, GENESIS)
            )
            for entry in pending:
                seq += 1
                entry.seq, entry.prev_hash = seq, prev
                entry.hash = compute_hash(entry)
                prev = entry.hash
            # The sealer is the one writer allowed to touch an existing row, once. One
            # executemany (pipelined on PostgreSQL) rather than an ORM update per entry keeps
            # the sealing of a burst short.
            table = AuditEntry._meta.db_table
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s "  # noqa: S608
                    "WHERE id = %s AND seq IS NULL",
                    [(e.seq, e.prev_hash, e.hash, e.pk) for e in pending],
                )
            sealed += len(pending)
            if len(pending) < batch:  # nothing was left behind: no second round to find out
                return sealed


@dataclass
class VerifyResult:
    checked: int
    head: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify(*, progress: Callable[[int, int], None] | None = None) -> VerifyResult:
    """Walk the chain in order: a changed row breaks its hash, a removed one breaks the links.

    Pending (unsealed) entries are sealed first, so what is checked is everything written.
    """
    audit_seal()
    total = AuditEntry.objects.count()
    problems: list[str] = []
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for entry in (
        AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000)
    ):
        if entry.seq != expected_seq:
            problems.append(f"entries {expected_seq}..{entry.seq - 1} are missing")
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.seq} does not link to the entry before it")
        if compute_hash(entry) != entry.hash:
            problems.append(f"entry {entry.seq} was changed after it was written")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
        checked += 1
        if progress is not None and (checked % 1000 == 0 or checked == total):
            progress(checked, total)
    return VerifyResult(checked=checked, head=expected_prev, problems=problems)
