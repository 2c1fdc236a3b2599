"""The JSON API gives each case the next clock to run out (`next_due_at`, `next_due_clock`),
by the staff queue's own rule (`selectors.next_due`): on the list, on one case, and in the
OpenAPI schema. The list page's query count does not grow with the cases on it."""

import json
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.cases.models import Case
from civicdesk.cases.selectors import CLOCK_ACKNOWLEDGEMENT, CLOCK_REPLY, case_list
from civicdesk.cases.services import case_create, case_reply, case_set_status

pytestmark = pytest.mark.django_db
URL = "/api/v1/cases/"


def _case(leak, text, **extra):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=text, contact_email=f"{len(text)}@example.org",
                       **extra)  # fmt: skip


def _at(value):
    return None if value is None else datetime.fromisoformat(value)


@pytest.fixture
def clocks(monday, leak, officer):
    """One case for each way the rule can go."""
    acked = _case(leak, "Ceiling leaking in the kitchen")
    case_set_status(case=acked, actor=officer.user, status="acknowledged")
    waiting = _case(leak, "Is my repair booked for this week")
    case_reply(case=waiting, actor=officer.user, body="Which day suits you?",
               then_status="awaiting_citizen")  # fmt: skip
    resolved = _case(leak, "The lift smells of smoke")
    case_reply(case=resolved, actor=officer.user, body="Fixed.", then_status="resolved")
    monday.shift(timedelta(days=1))
    unacked = _case(leak, "Water dripping from the bathroom ceiling again", priority=3)
    # The reply falls due before the acknowledgement (a standard changed, say): the reply
    # is the next clock to run out.
    reply_first = _case(leak, "Broken window on the fifth floor landing")
    Case.objects.filter(pk=reply_first.pk).update(
        reply_due_at=reply_first.acknowledge_due_at - timedelta(hours=1)
    )
    monday.move_to(unacked.acknowledge_due_at + timedelta(hours=1))
    cases = {"acked": acked, "waiting": waiting, "resolved": resolved, "unacked": unacked,
             "reply_first": reply_first}  # fmt: skip
    for case in cases.values():
        case.refresh_from_db()
    return cases


EXPECTED = {
    "acked": (CLOCK_REPLY, "reply_due_at"),
    "waiting": (None, None),
    "resolved": (None, None),
    "unacked": (CLOCK_ACKNOWLEDGEMENT, "acknowledge_due_at"),
    "reply_first": (CLOCK_REPLY, "reply_due_at"),
}


def _list(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_the_list_gives_each_case_its_next_clock(client, clocks, qsm):
    client.force_login(qsm.user)
    items = {item["reference"]: item for item in _list(client)}
    for name, (clock, field) in EXPECTED.items():
        case = clocks[name]
        item = items[case.reference]
        assert item["next_due_clock"] == clock, name
        assert _at(item["next_due_at"]) == (getattr(case, field) if field else None), name


def test_the_list_agrees_with_the_queue_in_every_order(client, clocks, qsm):
    client.force_login(qsm.user)
    for sort in ("due", "newest", "oldest", "priority"):
        queue = case_list(user=qsm.user, sort=sort)
        items = _list(client, sort=sort)
        assert [item["reference"] for item in items] == [c.reference for c in queue]
        for item, case in zip(items, queue, strict=True):
            assert _at(item["next_due_at"]) == case.next_due_at
            assert item["next_due_clock"] == case.next_due_clock
    # The due order: running clocks soonest first, then the cases with none.
    assert [item["next_due_clock"] for item in _list(client)][-2:] == [None, None]


def test_one_case_and_the_answers_to_actions_give_it_too(client, clocks, qsm):
    client.force_login(qsm.user)
    unacked = clocks["unacked"]
    body = client.get(f"{URL}{unacked.reference}").json()
    assert body["next_due_clock"] == CLOCK_ACKNOWLEDGEMENT
    assert _at(body["next_due_at"]) == unacked.acknowledge_due_at
    response = client.post(f"{URL}{unacked.reference}/status",
                           data=json.dumps({"status": "acknowledged"}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next_due_clock"] == CLOCK_REPLY
    assert _at(body["next_due_at"]) == unacked.reply_due_at
    assert body["status"] == "acknowledged" and body["paused"] is False  # the old fields stay


def test_the_list_takes_the_same_queries_for_more_cases(client, clocks, qsm, leak):
    client.force_login(qsm.user)
    _list(client)  # the session and the user, loaded once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _list(client)
        return len(captured)

    few = queries()
    for n in range(6):
        _case(leak, f"Another leak number {n} in block {n}")
    assert queries() == few


def test_the_schema_shows_both_fields(client):
    schema = client.get("/api/v1/openapi.json").json()
    properties = schema["components"]["schemas"]["CaseOut"]["properties"]
    assert {"next_due_at", "next_due_clock", "reply_due_at", "status"} <= set(properties)
    clock = json.dumps(properties["next_due_clock"])
    assert '"acknowledgement"' in clock and '"reply"' in clock and '"null"' in clock
    assert "date-time" in json.dumps(properties["next_due_at"])
    detail = schema["components"]["schemas"]["CaseDetailOut"]["properties"]
    assert {"next_due_at", "next_due_clock"} <= set(detail)


def test_the_staff_clock_tag_reads_the_same_rule_as_the_queue(clocks):
    """A case loaded without the annotation (the clock tag's way) gets the clock and the time
    the SQL rule gives, case by case; the tag names that clock."""
    from civicdesk.cases.selectors import case_next_due, with_next_due
    from civicdesk.cases.templatetags.cases_tags import case_clock

    annotated = {c.pk: c for c in with_next_due(Case.objects.all())}
    for name, (clock, _field) in EXPECTED.items():
        case = Case.objects.get(pk=clocks[name].pk)
        assert case_next_due(case) == case_next_due(annotated[case.pk]), name
        assert case_next_due(case)[0] == clock, name
    reply_first = Case.objects.get(pk=clocks["reply_first"].pk)
    assert "reply" in case_clock(reply_first)["text"].lower()
    assert "acknowledgement" not in case_clock(reply_first)["text"].lower()
