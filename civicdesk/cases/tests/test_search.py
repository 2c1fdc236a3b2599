"""Search over case text and reference: full-text on both databases, Chinese by substring."""

import pytest
from django.db import connection

from civicdesk.cases.search import parse, pg_tsquery
from civicdesk.cases.selectors import case_list
from civicdesk.cases.services import case_create


def _case(leak, description, **kw):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=description, **kw)  # fmt: skip


def _subjects(user, query, **filters):
    return [c.subject for c in case_list(user=user, query=query, **filters)]


@pytest.fixture
def cases(monday, leak):
    return {
        "leaking": _case(leak, "Water leaking through the bathroom ceiling", subject="Ceiling"),
        "pipes": _case(leak, "The pipes burst and leaked all night", subject="Pipes"),
        "chinese": _case(leak, "厨房水管漏水，请尽快派人维修。", subject="厨房"),
        "noise": _case(
            leak, "Loud music after midnight", subject="Noise", contact_name="Chan Tai Man"
        ),
    }


def test_english_word_forms_find_each_other(cases, officer):
    for query in ("leak", "leaks", "leaking", "LEAKED"):
        assert set(_subjects(officer.user, query)) == {"Ceiling", "Pipes"}, query
    assert _subjects(officer.user, "ceiling water") == ["Ceiling"]  # every word must match
    assert _subjects(officer.user, "burst pipe") == ["Pipes"]


def test_chinese_substring_finds_the_case(cases, officer):
    for query in ("漏水", "水管", "维修", "厨房水管漏水"):
        assert _subjects(officer.user, query) == ["厨房"], query
    assert _subjects(officer.user, "漏水 midnight") == []  # both parts must match
    assert _subjects(officer.user, "电梯") == []


def test_citizen_name_is_searched(cases, officer):
    assert _subjects(officer.user, "chan") == ["Noise"]


def test_reference_exact_prefix_and_lower_case(cases, officer):
    reference = cases["pipes"].reference
    assert _subjects(officer.user, reference) == ["Pipes"]
    assert _subjects(officer.user, reference.lower()) == ["Pipes"]
    assert _subjects(officer.user, f"about {reference} please") == ["Pipes"]
    prefix = reference[:-1]  # HSG-2026-00000: the first nine cases
    assert len(_subjects(officer.user, prefix)) == 4
    assert _subjects(officer.user, reference[-6:]) == ["Pipes"]  # its number alone


def test_best_match_first(monday, leak, officer):
    _case(leak, "Something about the lift; a small leak was mentioned once.", subject="Lift")
    _case(leak, "Leak, leak, leak: the leak is everywhere.", subject="Leak in the hall")
    assert _subjects(officer.user, "leak") == ["Leak in the hall", "Lift"]


def test_no_results(cases, officer):
    assert _subjects(officer.user, "unicorn") == []


@pytest.mark.parametrize(
    "query",
    ['"', "*", '"*"', "leak*", '"leak', "'", "leak's", "a & b | !c", "(leak", "leak:*",
     "\\", "%", "_", "--", "NEAR(leak pipe)", "leak AND", "OR", "^leak", "水'管", "\x00leak",
     "x" * 500],
)  # fmt: skip
def test_special_characters_never_fail(cases, officer, client, query):
    list(case_list(user=officer.user, query=query))
    client.force_login(officer.user)
    assert client.get("/cases/staff/", {"q": query.replace("\x00", "")}).status_code == 200


def test_punctuation_is_not_syntax(cases, officer):
    assert set(_subjects(officer.user, '"leak*"')) == {"Ceiling", "Pipes"}
    assert _subjects(officer.user, "*") == []


def test_filters_still_apply_with_a_search(cases, officer):
    assert _subjects(officer.user, "leak", kind="compliment") == []
    assert set(_subjects(officer.user, "leak", status="open")) == {"Ceiling", "Pipes"}


def test_an_edited_case_is_found_by_its_new_text(cases, officer):
    case = cases["noise"]
    case.subject = "Barking dog"
    case.save(update_fields=["subject"])
    assert _subjects(officer.user, "barking") == ["Barking dog"]
    case.delete()
    assert _subjects(officer.user, "barking") == []


def test_query_parsing():
    assert parse('Leaking "pipes" 水管 7') == (["leak", "pipe", "7"], ["水管"])
    assert parse("*&|!") == ([], [])
    assert pg_tsquery(["leak", "7"]) == "'leak':* & '7'"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_postgresql_search_uses_the_index(cases, officer):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        qs = case_list(user=officer.user, query="leak")
        sql, params = qs.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_search" in plan, plan
