"""A client following its own request gets that request's updates, and a client asking without
a start_date gets the latest updates, not the first ones of the last 90 days."""

from datetime import timedelta

import pytest

from civicdesk.cases.models import CaseStatus, IntakeChannel, Kind
from civicdesk.cases.services import case_create, case_set_status
from civicdesk.open311 import views
from civicdesk.open311.tests.conftest import KEY

pytestmark = pytest.mark.django_db
URL = "/open311/v2/servicerequestupdates.json"


def _request(leak, text):
    return case_create(agency=leak.agency, category=leak, kind=Kind.SERVICE_REQUEST,
                       channel=IntakeChannel.OPEN311, description=text, latitude=22,
                       longitude=114)  # fmt: skip


@pytest.fixture
def two_requests(api_key, leak, officer, monday):
    first, second = _request(leak, "Leak in block A"), _request(leak, "Leak in block B")
    for status in (CaseStatus.ACKNOWLEDGED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED):
        for case in (first, second):
            monday.shift(timedelta(minutes=10))
            case_set_status(case=case, actor=officer.user, status=status)
    return first, second


def test_updates_of_one_request(client, two_requests):
    first, second = two_requests
    data = client.get(URL, {"api_key": KEY, "service_request_id": second.reference}).json()
    assert {u["service_request_id"] for u in data} == {second.reference}
    assert [u["external_status_code"] for u in data] == ["acknowledged", "in_progress", "resolved"]
    both = client.get(
        URL, {"api_key": KEY, "service_request_id": f"{first.reference},{second.reference}"}
    ).json()
    assert len(both) == 6
    assert client.get(URL, {"api_key": KEY, "service_request_id": "HSG-1999-000001"}).json() == []


def test_without_a_start_date_the_latest_updates_come(client, two_requests, monkeypatch):
    first, second = two_requests
    monkeypatch.setattr(views, "MAX_RESULTS", 2)
    latest = client.get(URL, {"api_key": KEY}).json()
    assert [(u["service_request_id"], u["external_status_code"]) for u in latest] == [
        (first.reference, "resolved"),
        (second.reference, "resolved"),
    ]
    # From a start_date a client pages forward: the earliest from then on.
    paged = client.get(URL, {"api_key": KEY, "start_date": "2026-03-02T00:00:00Z"}).json()
    assert [u["external_status_code"] for u in paged] == ["acknowledged", "acknowledged"]
