"""Case writes. Import from here: `from civicdesk.cases.services import case_create`."""

from civicdesk.cases.services.absences import (
    absence_add,
    absence_remove,
    absence_staff,
    absences_visible,
)
from civicdesk.cases.services.common import AttachmentIn, attachment_check, attachments_check
from civicdesk.cases.services.intake import (
    case_citizen_add,
    case_create,
    category_from_rules,
    find_possible_duplicate,
    pick_assignee,
    reference_allocate,
)
from civicdesk.cases.services.routing import (
    BOUNCE_LIMIT,
    case_add_part,
    case_dismiss_duplicate,
    case_merge,
    case_merge_check,
    case_refer,
    case_transfer,
    cases_mark_breaches,
    cases_remind_interim,
)
from civicdesk.cases.services.work import case_assign, case_note_add, case_reply, case_set_status

__all__ = [
    "BOUNCE_LIMIT",
    "AttachmentIn",
    "absence_add",
    "absence_remove",
    "absence_staff",
    "absences_visible",
    "attachment_check",
    "attachments_check",
    "case_add_part",
    "case_assign",
    "case_citizen_add",
    "case_create",
    "case_dismiss_duplicate",
    "case_merge",
    "case_merge_check",
    "case_note_add",
    "case_refer",
    "case_reply",
    "case_set_status",
    "case_transfer",
    "cases_mark_breaches",
    "cases_remind_interim",
    "category_from_rules",
    "find_possible_duplicate",
    "pick_assignee",
    "reference_allocate",
]
