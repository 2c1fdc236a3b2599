"""What the audit page shows of an entry's stored data: (label, text) pairs a person can read.

Entries keep their data as written (ids, codes, references). Labels are translated where the
key is known and humanised otherwise; the ids a reassignment stores are shown as the names of
the officer, category and department, and a reply's message id as its first words (looked up
for a whole page in one query per kind of name). A case's status code is shown as its label
in the reader's language, as the staff pages show it. Shares (a routing confidence) are shown
as percentages, as the case page shows them. Texts are plain strings: the template escapes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from civicdesk.audit.models import AuditEntry

MAX_VALUE_CHARS = 200

KEY_LABELS = {
    "active": gettext_lazy("Active"),
    "after": gettext_lazy("After"),
    "agency": gettext_lazy("Agency"),
    "before": gettext_lazy("Before"),
    "capacity": gettext_lazy("Capacity"),
    "case": gettext_lazy("Case"),
    "channel": gettext_lazy("Channel"),
    "completed_on": gettext_lazy("Completed on"),
    "confidence": gettext_lazy("Confidence"),
    "count": gettext_lazy("Count"),
    "coverage": gettext_lazy("Coverage"),
    "department": gettext_lazy("Department"),
    "due_on": gettext_lazy("Due on"),
    "error": gettext_lazy("Error"),
    "from": gettext_lazy("From"),
    "idea": gettext_lazy("Idea"),
    "interim": gettext_lazy("Interim reply"),
    "kind": gettext_lazy("Kind"),
    "message": gettext_lazy("Message"),
    "name": gettext_lazy("Name"),
    "note": gettext_lazy("Note"),
    "number": pgettext_lazy("a record's number", "Number"),
    "owner": gettext_lazy("Owner"),
    "period": gettext_lazy("Period"),
    "previous": gettext_lazy("Previous model"),
    "questions": gettext_lazy("Questions"),
    "reason": gettext_lazy("Reason"),
    "reference": gettext_lazy("Reference"),
    "role": gettext_lazy("Role"),
    "service": gettext_lazy("Service"),
    "services": gettext_lazy("Services"),
    "session": gettext_lazy("Session"),
    "site": gettext_lazy("Site"),
    "sites": gettext_lazy("Sites"),
    "staff": gettext_lazy("Staff"),
    "staff_group": gettext_lazy("Staff group"),
    "starts_at": gettext_lazy("Starts"),
    "status": gettext_lazy("Status"),
    "subject": gettext_lazy("Subject"),
    "team": gettext_lazy("Team"),
    "threshold": gettext_lazy("Threshold"),
    "to": gettext_lazy("To"),
    "top1": gettext_lazy("Top-choice accuracy"),
    "trigger": gettext_lazy("Trigger"),
    "username": gettext_lazy("Username"),
    "value": gettext_lazy("Value"),
    "version": gettext_lazy("Version"),
    "week": gettext_lazy("Week"),
}

# Where one action gives a key its own meaning.
ACTION_KEY_LABELS = {
    ("case.reply", "message"): gettext_lazy("Reply to the citizen"),
    ("case.citizen_add", "message"): gettext_lazy("Message from the citizen"),
    ("case.merge", "source"): gettext_lazy("Merged case"),
    ("case.merge", "target"): gettext_lazy("Merged into"),
    ("case.duplicate_dismiss", "of"): gettext_lazy("Not a duplicate of"),
    ("case.add_part", "part"): gettext_lazy("Part case"),
    ("case.refer", "body"): gettext_lazy("Referred to"),
    ("case.breach", "promise"): gettext_lazy("Missed deadline"),
    ("routing.trained", "n_train"): gettext_lazy("Training cases"),
}

# Where the kind of object gives a key its meaning: a ticket's number (B001) is not a routing
# model's number (3), and both are stored as "number".
OBJECT_KEY_LABELS = {
    ("queues.ticket", "number"): gettext_lazy("Ticket number"),
    ("routing.modelversion", "number"): gettext_lazy("Model number"),
}
# The kind of object an entry written without a target is about, by its action's first word.
ACTION_OBJECT_TYPES = {"ticket": "queues.ticket", "routing": "routing.modelversion"}

# case.assign stores {"before": {...}, "after": {...}} of these ids.
ASSIGN_LABELS = {
    "assignee": (gettext_lazy("Previous officer"), gettext_lazy("New officer")),
    "category": (gettext_lazy("Previous category"), gettext_lazy("New category")),
    "department": (gettext_lazy("Previous department"), gettext_lazy("New department")),
}

# Keys other actions store a staff member's or a site's id under: shown by name.
STAFF_KEYS = ("assignee", "owner", "staff")
SITE_KEYS = ("site",)

# Keys that store a case message's id: shown as the message's first words.
MESSAGE_KEYS = ("message",)
MESSAGE_WORDS = 12

# Keys that store a share (0..1), shown as a percentage as the case and routing pages show it.
SHARE_KEYS = ("confidence", "threshold", "top1", "coverage", "precision_target")

# Where an action stores a case's status code: shown as its label, as the staff pages show it.
CASE_STATUS_KEYS = {
    ("case.status", "from"),
    ("case.status", "to"),
    ("case.reply", "status"),
    ("open311.update", "status"),
}

# Keys whose values name a case by its reference: the audit page's record filter reads them.
CASE_REFERENCE_KEYS = ("source", "target", "of", "part", "reference")


def audit_details(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """The entries, each with `.details`: a list of (label, text) for its stored data."""
    entries = list(entries)
    names = _assign_names(entries)
    for entry in entries:
        entry.details = _details(entry, names)
    return entries


def _details(entry: AuditEntry, names: dict) -> list[tuple[str, str]]:
    data = entry.data if isinstance(entry.data, dict) else {"": entry.data}
    if entry.action == "case.assign" and isinstance(data.get("before"), dict):
        rows = _assign_rows(data, names)
        data = {k: v for k, v in data.items() if k not in ("before", "after")}
    else:
        rows = []
    for key, value in data.items():
        if value in ("", None, [], {}):
            continue
        field = _id_field(key, value)
        if field:
            text = _name(names, field, value)
        elif key in SHARE_KEYS and _is_share(value):
            text = _percent(value)
        elif (entry.action, key) in CASE_STATUS_KEYS and isinstance(value, str):
            text = _case_status(value)
        else:
            text = _text(value)
        rows.append((_label(entry, key), text))
    return rows


def _is_share(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _percent(value: float) -> str:
    """93% for 0.9316: rounded as the pages' {% widthratio value 1 100 %} rounds it."""
    return f"{round(value * 100)}%"


def _case_status(code: str) -> str:
    """A case status code ("resolved") as the label staff read, in the language in use."""
    from civicdesk.cases.models import staff_status_choices

    return str(dict(staff_status_choices()).get(code, code))


def _assign_rows(data: dict, names: dict) -> list[tuple[str, str]]:
    before, after = data.get("before") or {}, data.get("after") or {}
    rows = []
    for field, (before_label, after_label) in ASSIGN_LABELS.items():
        if before.get(field) == after.get(field):
            continue
        rows.append((str(before_label), _name(names, field, before.get(field))))
        rows.append((str(after_label), _name(names, field, after.get(field))))
    return rows


def _id_field(key: str, value) -> str | None:
    """Which name table a top-level id is looked up in ("assignee" for staff, "site"), if any."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if key in STAFF_KEYS:
        return "assignee"
    if key in SITE_KEYS:
        return "site"
    if key in MESSAGE_KEYS:
        return "message"
    return None


def _assign_names(entries: list[AuditEntry]) -> dict:
    """{("assignee"|"category"|"department"|"site"|"message", id): name} for the ids
    reassignments stored, the staff and site ids other entries stored, and the messages
    replies and citizens' additions stored (their first words)."""
    from civicdesk.cases.models import Category
    from civicdesk.organisations.models import Department, Site, StaffProfile

    wanted: dict[str, set] = {field: set() for field in (*ASSIGN_LABELS, "site", "message")}
    for entry in entries:
        if not isinstance(entry.data, dict):
            continue
        if entry.action != "case.assign" or not isinstance(entry.data.get("before"), dict):
            for key, value in entry.data.items():
                field = _id_field(key, value)
                if field:
                    wanted[field].add(value)
            continue
        for side in ("before", "after"):
            values = entry.data.get(side)
            if isinstance(values, dict):
                for field, ids in wanted.items():
                    if isinstance(values.get(field), int):
                        ids.add(values[field])
    models = {"assignee": (StaffProfile, "display_name"), "category": (Category, "name"),
              "department": (Department, None), "site": (Site, None)}  # fmt: skip
    names = {}
    message_ids = wanted.pop("message")
    if message_ids:
        names.update(_message_words(message_ids))
    for field, ids in wanted.items():
        if ids:
            model, attribute = models[field]
            if attribute is None:  # a site's or team's name is in the reader's language
                for named in model.objects.filter(pk__in=ids):
                    names[field, named.pk] = named.local_name()
                continue
            for pk, name in model.objects.filter(pk__in=ids).values_list("pk", attribute):
                names[field, pk] = name
    return names


def _message_words(ids: set[int]) -> dict:
    """{("message", id): its first words, quoted} for the case messages `ids` (one query)."""
    from civicdesk.cases.models import CaseMessage

    words = {}
    for pk, body in CaseMessage.objects.filter(pk__in=ids).values_list("pk", "body"):
        first = Truncator(" ".join(body.split())).words(MESSAGE_WORDS)
        first = Truncator(first).chars(MAX_VALUE_CHARS // 2)  # Chinese has no spaces
        words["message", pk] = _("“%(words)s”") % {"words": first}
    return words


def _name(names: dict, field: str, pk) -> str:
    if pk is None:
        return "–"
    return names.get((field, pk), f"#{pk}")


def _label(entry: AuditEntry, key: str) -> str:
    label = (
        ACTION_KEY_LABELS.get((entry.action, key))
        or OBJECT_KEY_LABELS.get((_object_type(entry), key))
        or KEY_LABELS.get(key)
    )
    if label is not None:
        return str(label)
    return str(key).replace("_", " ").strip().capitalize() or _("Data")


def _object_type(entry: AuditEntry) -> str:
    return entry.object_type or ACTION_OBJECT_TYPES.get(entry.action.partition(".")[0], "")


def _text(value) -> str:
    if isinstance(value, bool):
        text = _("Yes") if value else _("No")
    elif isinstance(value, dict):
        text = "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        text = ", ".join(_text(v) for v in value)
    elif value is None:
        text = "–"
    else:
        text = str(value)
    return Truncator(text).chars(MAX_VALUE_CHARS)
