"""SMS through a gateway interface. Backends: console (stderr), file (JSON lines), or a dotted path.

CIVICDESK_SMS_BACKEND = "console" | "file" | "package.module.Class". A real gateway backend is a
class with `send(to: str, body: str) -> str` (returns the gateway's message id) that raises
SmsError on failure.
"""

from __future__ import annotations

import json
import sys
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

from civicdesk.core.clock import now


class SmsError(Exception):
    pass


class ConsoleBackend:
    def send(self, to: str, body: str) -> str:
        message_id = uuid.uuid4().hex
        sys.stderr.write(f"[sms {message_id}] to {to}: {body}\n")
        return message_id


class FileBackend:
    """Appends one JSON object per message to CIVICDESK_SMS_FILE (default var/sms.jsonl)."""

    def send(self, to: str, body: str) -> str:
        from civicdesk.config.env import VAR_DIR

        path = getattr(settings, "CIVICDESK_SMS_FILE", None) or VAR_DIR / "sms.jsonl"
        message_id = uuid.uuid4().hex
        record = {"id": message_id, "to": to, "body": body, "at": now().isoformat()}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return message_id


_BUILTIN = {"console": ConsoleBackend, "file": FileBackend}


def get_backend():
    name = settings.CIVICDESK_SMS_BACKEND
    cls = _BUILTIN.get(name) or import_string(name)
    return cls()
