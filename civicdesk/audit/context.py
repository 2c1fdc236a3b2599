"""Where a staff action came from: set per request by the middleware, read by audit_record."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip: str | None = None
    user_agent: str = ""
    channel: str = "web"


SYSTEM_ORIGIN = RequestOrigin(channel="system")
current_origin: ContextVar[RequestOrigin] = ContextVar("civicdesk_request_origin")
