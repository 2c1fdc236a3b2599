"""The staff queue (page and API) puts first the case whose next clock runs out first: an
overdue acknowledgement comes before a reply due later, as on the QSM's "about to breach" list.
Staff can sort by newest, oldest or priority instead, with a labelled control."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.cases.selectors import case_list, qsm_dashboard
from civicdesk.cases.services import case_create, case_set_status

pytestmark = pytest.mark.django_db


def _case(leak, text, **extra):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=text, contact_email=f"{len(text)}@example.org",
                       **extra)  # fmt: skip


@pytest.fixture
def two_clocks(monday, leak, officer):
    """`acked`: acknowledged, its reply due in ten working days. `unacked`: received a day
    later (so its reply falls due a day later), never acknowledged, now overdue."""
    acked = _case(leak, "Ceiling leaking in the kitchen")
    case_set_status(case=acked, actor=officer.user, status="acknowledged")
    monday.shift(timedelta(days=1))
    unacked = _case(leak, "Water dripping from the bathroom ceiling again", priority=3)
    monday.move_to(unacked.acknowledge_due_at + timedelta(hours=1))
    acked.refresh_from_db()
    unacked.refresh_from_db()
    assert acked.reply_due_at < unacked.reply_due_at
    return acked, unacked


def test_an_overdue_acknowledgement_comes_before_a_later_reply(two_clocks, qsm):
    acked, unacked = two_clocks
    queue = [c.reference for c in case_list(user=qsm.user, status="open")]
    assert queue == [unacked.reference, acked.reference]


def test_queue_and_dashboard_agree_on_the_order(two_clocks, qsm, monday):
    acked, unacked = two_clocks
    # Both within a day of breaching: the overdue acknowledgement and the reply nearly due.
    monday.move_to(acked.reply_due_at - timedelta(hours=2))
    dashboard = [c.reference for c in qsm_dashboard(user=qsm.user)["about_to_breach"]]
    queue = [c.reference for c in case_list(user=qsm.user, due="soon")]
    assert dashboard == queue == [unacked.reference, acked.reference]


def test_staff_choose_the_order_on_the_page(client, two_clocks, qsm, leak):
    acked, unacked = two_clocks
    client.force_login(qsm.user)

    def order(**params):
        html = client.get("/cases/staff/", params).content.decode()
        return sorted((acked.reference, unacked.reference), key=html.index)

    assert order() == [unacked.reference, acked.reference]
    assert order(sort="newest") == [unacked.reference, acked.reference]
    assert order(sort="oldest") == [acked.reference, unacked.reference]
    assert order(sort="priority") == [unacked.reference, acked.reference]  # high before normal
    assert order(sort="nonsense") == [unacked.reference, acked.reference]  # the default
    html = client.get("/cases/staff/", {"sort": "oldest"}).content.decode()
    assert '<label class="govuk-label" for="sort">Sort by</label>' in html
    assert '<option value="oldest" selected>Oldest first</option>' in html


def test_the_api_lists_in_the_same_order_and_takes_sort(client, two_clocks, qsm):
    acked, unacked = two_clocks
    client.force_login(qsm.user)

    def refs(**params):
        response = client.get("/api/v1/cases/", {"status": "open", **params})
        assert response.status_code == 200, response.content
        return [item["reference"] for item in response.json()["items"]]

    assert refs() == [unacked.reference, acked.reference]
    assert refs(sort="oldest") == [acked.reference, unacked.reference]
    assert refs(sort="newest") == [unacked.reference, acked.reference]
    assert client.get("/api/v1/cases/", {"sort": "nonsense"}).status_code == 422


def test_paused_and_replied_cases_come_after_running_clocks(monday, leak, officer, qsm):
    from civicdesk.cases.services import case_reply

    waiting = _case(leak, "Is my repair booked for this week")
    case_reply(case=waiting, actor=officer.user, body="Which day suits you?",
               then_status="awaiting_citizen")  # fmt: skip
    replied = _case(leak, "The lift smells of smoke")
    case_reply(case=replied, actor=officer.user, body="We have sent an engineer.")
    running = _case(leak, "The corridor light has been out for days")
    queue = [c.reference for c in case_list(user=qsm.user, status="open")]
    assert queue[0] == running.reference
    assert set(queue[1:]) == {waiting.reference, replied.reference}


def test_the_order_is_one_query_in_the_database(two_clocks, qsm, leak):
    for i in range(5):
        _case(leak, f"Another leak number {i} in block {i}")
    with CaptureQueriesContext(connection) as queries:
        cases = list(case_list(user=qsm.user, status="open")[:50])
    assert len(cases) == 7
    assert len(queries) == 1
