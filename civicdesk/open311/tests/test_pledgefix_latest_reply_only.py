"""The request list reads only each request's latest reply (its status_notes), so it loads only
that one from the database, not every letter ever sent; the output is the same as before."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.utils.text import Truncator

from civicdesk.cases.models import CaseMessage, IntakeChannel, Kind
from civicdesk.cases.services import case_create, case_note_add, case_reply
from civicdesk.open311.selectors import citizen_replies
from civicdesk.open311.tests.conftest import KEY

pytestmark = pytest.mark.django_db
REPLIES = 12


def _request_case(leak):
    return case_create(agency=leak.agency, category=leak, kind=Kind.SERVICE_REQUEST,
                       channel=IntakeChannel.OPEN311, description="Leak", latitude=22,
                       longitude=114)  # fmt: skip


def _expected_notes(case) -> str:
    """status_notes as the view has always written them: the start of the latest reply."""
    latest = citizen_replies().filter(case=case).last()
    return Truncator(latest.body.strip()).chars(500)


@pytest.fixture
def many_replies(leak, monday, officer):
    """Three requests with many replies each, some sent at the same instant, the last ones
    long; after the last reply, an internal note that must not show."""
    cases = [_request_case(leak) for _ in range(3)]
    for n in range(REPLIES):
        if n % 3 == 0:
            monday.shift(timedelta(minutes=5))  # otherwise replies tie on `at`: pk decides
        for i, case in enumerate(cases):
            words = ("long " * 300) if n == REPLIES - 1 and i == 0 else ""
            case_reply(case=case, actor=officer.user, body=f"  Reply {n} to {i}. {words}\n")
    case_note_add(case=cases[1], actor=officer.user, body="Internal: do not publish")
    return cases


def _loaded_messages(client, url, params):
    """The response, the CaseMessage rows the database handed over for it, and its queries."""
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance)

    post_init.connect(count, sender=CaseMessage)
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
    finally:
        post_init.disconnect(count, sender=CaseMessage)
    assert response.status_code == 200
    return response, loaded, queries


def test_the_list_loads_only_each_latest_reply_and_says_the_same(client, api_key, many_replies):
    response, loaded, _queries = _loaded_messages(
        client, "/open311/v2/requests.json", {"api_key": KEY}
    )
    notes = {r["service_request_id"]: r["status_notes"] for r in response.json()}
    assert notes == {case.reference: _expected_notes(case) for case in many_replies}
    assert notes[many_replies[1].reference] == f"Reply {REPLIES - 1} to 1."
    assert notes[many_replies[0].reference].endswith("…")
    assert len(notes[many_replies[0].reference]) == 500
    # One reply per request came out of the database, not 3 x 12.
    assert len(loaded) == len(many_replies)


def test_one_request_loads_only_its_latest_reply(client, api_key, many_replies):
    case = many_replies[2]
    response, loaded, _queries = _loaded_messages(
        client, f"/open311/v2/requests/{case.reference}.json", {"api_key": KEY}
    )
    assert response.json()[0]["status_notes"] == f"Reply {REPLIES - 1} to 2."
    assert len(loaded) == 1
    xml, _loaded, _q = _loaded_messages(
        client, f"/open311/v2/requests/{case.reference}.xml", {"api_key": KEY}
    )
    assert f"<status_notes>Reply {REPLIES - 1} to 2.</status_notes>" in xml.content.decode()


def test_queries_stay_the_same_as_replies_grow(client, api_key, many_replies, officer, leak):
    _response, _loaded, before = _loaded_messages(
        client, "/open311/v2/requests.json", {"api_key": KEY}
    )
    for case in many_replies:
        for n in range(5):
            case_reply(case=case, actor=officer.user, body=f"More {n}")
    response, loaded, after = _loaded_messages(
        client, "/open311/v2/requests.json", {"api_key": KEY}
    )
    assert len(after) == len(before)
    assert {r["status_notes"] for r in response.json()} == {"More 4"}
    assert len(loaded) == len(many_replies)
    # A request with no reply yet says its status, as before.
    fresh = _request_case(leak)
    response, loaded, _q = _loaded_messages(client, "/open311/v2/requests.json", {"api_key": KEY})
    by_id = {r["service_request_id"]: r["status_notes"] for r in response.json()}
    assert by_id[fresh.reference] == str(fresh.get_status_display())
    assert len(loaded) == len(many_replies)
