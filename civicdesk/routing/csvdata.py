"""Reading labelled cases from CSV for `civicdesk routing evaluate`, with errors a person can fix."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from civicdesk.routing.model import Example

OPTIONAL_COLUMNS = {
    "kind": "kind",
    "channel": "channel",
    "category": "category_hint",
    "location": "location_hint",
}


class CsvError(ValueError):
    pass


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(
            f"{path}: not UTF-8 (byte {exc.start} is {raw[exc.start : exc.start + 1]!r}). "
            "Save the file as UTF-8 (for Excel: 'CSV UTF-8')."
        ) from exc


def read_examples(
    path: str, *, text_column: str = "text", label_column: str = "label"
) -> list[Example]:
    file = Path(path)
    if not file.is_file():
        raise CsvError(f"{path}: no such file.")
    text = _decode(file.read_bytes(), path)
    if not text.strip():
        raise CsvError(f"{path}: the file is empty.")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        missing = [c for c in (text_column, label_column) if c not in header]
        if missing:
            raise CsvError(
                f"{path}: no column {', '.join(repr(m) for m in missing)}; the columns are "
                f"{', '.join(repr(h) for h in header)}. Use --text-column/--label-column."
            )
        examples = []
        for row in reader:
            label = (row.get(label_column) or "").strip()
            if not label:
                continue  # an unlabelled row can neither teach nor test
            extras = {
                field: (row.get(column) or "").strip()
                for column, field in OPTIONAL_COLUMNS.items()
                if column in header and column not in (text_column, label_column)
            }
            examples.append(Example(text=row.get(text_column) or "", label=label, **extras))
    except csv.Error as exc:
        raise CsvError(f"{path}: not a readable CSV file ({exc}).") from exc
    if not examples:
        raise CsvError(f"{path}: no rows with a label in column {label_column!r}.")
    return examples
