"""A case sent without a subject is named by its description, cut at a word with an ellipsis."""

import pytest

from civicdesk.cases.services import case_create
from civicdesk.cases.services.intake import subject_from_description
from civicdesk.notify.models import OutboxMessage

# The first 119 characters end in "Nobody can g", as in the journey (TRN-2026-000056).
STORM = (
    "The shelter at Harbour Road lost its roof and the glass is lying on the pavement after "
    "last night's storm. Nobody can get past with a pram or a wheelchair."
)


@pytest.mark.django_db
def test_a_long_description_gives_a_subject_cut_at_a_word_with_an_ellipsis(monday, leak):
    case = case_create(agency=leak.agency, kind="complaint", channel="web", description=STORM,
                       category=leak, language="en", contact_email="lee@example.org")  # fmt: skip
    assert case.subject == (
        "The shelter at Harbour Road lost its roof and the glass is lying on the pavement after "
        "last night's storm. Nobody can…"
    )
    assert len(case.subject) <= 120
    acknowledgement = OutboxMessage.objects.get(to="lee@example.org")
    assert "Nobody can…”" in acknowledgement.body and "Nobody can g”" not in acknowledgement.body


def test_a_short_first_line_is_kept_whole():
    assert subject_from_description("Lift broken\nThe lift in Block C.") == "Lift broken"
    assert subject_from_description("x" * 120) == "x" * 120


def test_chinese_is_cut_at_a_character_and_a_long_word_at_the_limit():
    chinese = "天花板漏水" * 30
    assert subject_from_description(chinese) == chinese[:119] + "…"
    url = "See https://example.org/" + "a" * 200
    assert subject_from_description(url) == url[:119] + "…"


def test_no_punctuation_is_left_before_the_ellipsis():
    text = "word " * 23 + "end, and more words follow here"  # the cut falls after "end,"
    assert subject_from_description(text).endswith("end…")
