"""Deep queue pages sort only the ids (`QueuePages`): every page, in every order, holds the
same cases as the full sorted queue, in one query, through the page and the API alike."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.cases.selectors import QUEUE_SORTS, case_list
from civicdesk.cases.services import case_create, case_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(monday, leak, officer):
    """Seven cases received an hour apart, some acknowledged, one resolved, one priority."""
    made = []
    for i in range(7):
        case = case_create(
            agency=leak.agency,
            category=leak,
            kind="complaint",
            channel="web",
            description=f"Leak number {i} in the corridor",
            priority=3 if i == 4 else 2,
        )
        if i % 3 == 1:
            case_set_status(case=case, actor=officer.user, status="acknowledged")
        if i == 5:
            case_set_status(case=case, actor=officer.user, status="resolved")
        made.append(case)
        monday.shift(timedelta(hours=1))
    return made


@pytest.mark.parametrize("sort", QUEUE_SORTS)
@pytest.mark.parametrize("who", ["qsm", "officer"])
def test_every_page_is_a_slice_of_the_sorted_queue(queue, qsm, officer, sort, who):
    user = {"qsm": qsm, "officer": officer}[who].user
    full = [case.reference for case in case_list(user=user, sort=sort)]
    assert len(full) == 7
    for size in (1, 2, 3):
        pages = Paginator(case_list(user=user, sort=sort), size)
        paged = []
        for number in pages.page_range:
            with CaptureQueriesContext(connection) as captured:
                paged += [case.reference for case in pages.page(number)]
            assert len(captured) == 1
        assert paged == full
    assert [c.reference for c in case_list(user=user, sort=sort)[2:5]] == full[2:5]
    assert [c.reference for c in case_list(user=user, sort=sort)[9:12]] == []
    assert case_list(user=user, sort=sort)[3].reference == full[3]


def test_the_api_pages_match(client, queue, qsm):
    client.force_login(qsm.user)
    full = [i["reference"] for i in client.get("/api/v1/cases/?limit=50").json()["items"]]
    paged = []
    for offset in range(0, 7, 2):
        body = client.get(f"/api/v1/cases/?limit=2&offset={offset}").json()
        assert body["count"] == 7
        paged += [item["reference"] for item in body["items"]]
    assert paged == full and len(full) == 7
