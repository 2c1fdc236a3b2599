"""Open311 responses: the same data as JSON or as the XML the specification requires."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpResponse

# A list under one of these names is written as repeated elements of the singular name.
PLURALS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMATS = ("json", "xml")


class Open311Error(Exception):
    """Becomes the specification's error list: [{"code": 400, "description": "..."}]."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def w3c(instant: datetime | None) -> str | None:
    """The W3C subset of ISO 8601 the specification asks for, in UTC."""
    if instant is None:
        return None
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _append(parent: Element, name: str, value) -> None:
    element = SubElement(parent, name)
    if value is None:
        return
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _append(element, PLURALS.get(name, "item"), item)
    else:
        element.text = _NOT_XML.sub("", str(value))


def to_xml(root: str, data, item: str | None = None) -> bytes:
    """`data` is a dict (the root's children) or a list of dicts (each an `item` element)."""
    element = Element(root)
    if isinstance(data, dict):
        for key, value in data.items():
            _append(element, key, value)
    else:
        for value in data:
            _append(element, item or "item", value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(element, encoding="utf-8",
                                                                  xml_declaration=False)  # fmt: skip


def respond(fmt: str, data, *, root: str, item: str | None = None, status: int = 200):
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode()
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    return HttpResponse(
        to_xml(root, data, item), status=status, content_type="text/xml; charset=utf-8"
    )


def error_response(fmt: str, *errors: Open311Error):
    status = errors[0].status
    data = [{"code": e.status, "description": e.description} for e in errors]
    return respond(fmt if fmt in FORMATS else "xml", data, root="errors", item="error",
                   status=status)  # fmt: skip
