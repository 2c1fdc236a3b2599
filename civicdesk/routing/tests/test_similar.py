"""Similar past cases and duplicate flags over a corpus handed in directly."""

import itertools

from civicdesk.routing.adapters import CorpusDocument
from civicdesk.routing.suggestions import likely_duplicates, similar_cases

CORPUS = [
    CorpusDocument(
        "HSG-1", "Water leaking from the ceiling of my bathroom", reply="We sent a plumber."
    ),
    CorpusDocument("HSG-2", "The lift in Block C is broken", reply="The lift was repaired."),
    CorpusDocument("HSG-3", "浴室天花板漏水，油漆剝落", reply="已安排水喉匠。"),
    CorpusDocument("HSG-4", "Rent payment receipt missing", reply="Receipt re-sent."),
    CorpusDocument("HSG-5", "", reply="empty"),
]


def test_most_similar_first_with_replies():
    found = similar_cases(
        agency=None, text="water is leaking from my bathroom ceiling", corpus=CORPUS
    )
    assert found[0].document.key == "HSG-1"
    assert found[0].document.reply == "We sent a plumber."
    assert all(a.score >= b.score for a, b in itertools.pairwise(found))
    assert "HSG-4" not in [f.document.key for f in found]


def test_chinese_finds_chinese():
    found = similar_cases(agency=None, text="天花板漏水", corpus=CORPUS)
    assert found[0].document.key == "HSG-3"


def test_duplicates_need_a_close_match():
    assert [
        d.document.key
        for d in likely_duplicates(
            agency=None, text="The lift in Block C is broken!", corpus=CORPUS
        )
    ] == ["HSG-2"]
    assert likely_duplicates(agency=None, text="The lift is slow", corpus=CORPUS) == []


def test_empty_inputs_and_unwired_corpora_give_nothing():
    assert similar_cases(agency=None, text="", corpus=CORPUS) == []
    assert similar_cases(agency=None, text="lift", corpus=[]) == []
    assert similar_cases(agency=None, text="lift") == []  # the front door has no reply corpus
