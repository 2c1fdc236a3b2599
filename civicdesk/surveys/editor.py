"""The survey editor page: turns the posted rows into question specs for survey_publish."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civicdesk.surveys import defaults
from civicdesk.surveys.models import MAX_QUESTIONS, QuestionKind

LANGUAGES = [code for code, _name in settings.LANGUAGES]
DEFAULT_LABELS = {
    QuestionKind.CSAT: defaults.SATISFIED,
    QuestionKind.NPS: defaults.LIKELY,
    QuestionKind.CES: defaults.AGREE,
    QuestionKind.AGREE: defaults.AGREE,
}
BLANK_ROWS = 2


def rows_from_version(version) -> list[dict]:
    rows = [
        {
            "key": q.key,
            "kind": q.kind,
            "required": q.required,
            "text": {lang: q.text.get(lang, "") for lang in LANGUAGES},
            "options": "\n".join(
                str(c.get("label", {}).get("en", c.get("value"))) for c in q.choices
            ),
            "new": False,
        }
        for q in version.questions.all()
    ]
    spare = max(0, min(BLANK_ROWS, MAX_QUESTIONS - len(rows)))
    rows += [
        {"key": "", "kind": QuestionKind.AGREE, "required": False, "new": True,
         "text": dict.fromkeys(LANGUAGES, ""), "options": ""}
        for _ in range(spare)
    ]  # fmt: skip
    for position, row in enumerate(rows, start=1):
        row["position"] = position
    return rows


def rows_from_post(data) -> list[dict]:
    rows = []
    count = min(int(data.get("rows", "0") or 0), MAX_QUESTIONS + BLANK_ROWS)
    for i in range(1, count + 1):
        prefix = f"q{i}-"
        rows.append(
            {
                "position": i,
                "key": data.get(prefix + "key", "").strip(),
                "kind": data.get(prefix + "kind", ""),
                "required": data.get(prefix + "required") == "on",
                "remove": data.get(prefix + "remove") == "on",
                "order": data.get(prefix + "order", str(i)),
                "text": {lang: data.get(f"{prefix}text-{lang}", "").strip() for lang in LANGUAGES},
                "options": data.get(prefix + "options", ""),
                "new": data.get(prefix + "new") == "1",
            }
        )
    return rows


def specs_from_rows(rows: list[dict], previous_version) -> list[dict]:
    """Blank new rows are ignored; removed rows are dropped; keys of new rows come from the text."""
    previous = {q.key: q for q in previous_version.questions.all()}
    kept = []
    for row in rows:
        if row.get("remove") or (row["new"] and not any(row["text"].values())):
            continue
        key = row["key"]
        if row["new"] or not key:
            key = slugify(row["text"].get("en", ""))[:30].replace("-", "_") or f"q{row['position']}"
            key = re.sub(r"^[^a-z]+", "", key) or f"q{row['position']}"
            taken = {r["key"] for r in kept} | set(previous)
            base, n = key, 2
            while key in taken:
                key, n = f"{base}_{n}", n + 1
        kind = row["kind"]
        spec = {
            "key": key,
            "kind": kind,
            "text": {lang: text for lang, text in row["text"].items() if text},
            "required": row["required"],
        }
        old = previous.get(key)
        if kind in DEFAULT_LABELS:
            spec["labels"] = (
                old.labels if old is not None and old.kind == kind else DEFAULT_LABELS[kind]
            )
        if kind == QuestionKind.CHOICE:
            options = [line.strip() for line in row["options"].splitlines() if line.strip()]
            spec["choices"] = [
                {"value": slugify(label) or str(i), "label": {"en": label}}
                for i, label in enumerate(options, start=1)
            ]
        try:
            order = int(row.get("order") or row["position"])
        except ValueError:
            order = row["position"]
        # A row moved to a taken place goes before the row that was already there.
        kept.append({**spec, "_order": (order, 0 if order != row["position"] else 1)})
    kept.sort(key=lambda s: s["_order"])
    for spec in kept:
        del spec["_order"]
    return kept


def kind_choices():
    return [(value, _(str(label))) for value, label in QuestionKind.choices]
