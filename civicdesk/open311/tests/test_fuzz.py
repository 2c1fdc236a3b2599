"""Hypothesis sends generated Open311 POSTs: never a 5xx, never a half-written case."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicdesk.cases.models import Case
from civicdesk.open311.models import Submission, Update
from civicdesk.open311.tests.conftest import KEY

pytestmark = pytest.mark.django_db

FIELDS = ["api_key", "service_code", "jurisdiction_id", "lat", "long", "address_string",
          "address_id", "email", "first_name", "last_name", "phone", "description", "device_id",
          "account_id", "media_url", "attribute[severity]", "attribute[floor]",
          "attribute[floor][]", "attribute[]", "attribute[x", "update_id", "service_request_id",
          "status", "updated_datetime"]  # fmt: skip
GOOD = {"api_key": KEY, "service_code": "HSG-leak", "lat": "22.3", "long": "114.2",
        "attribute[severity]": "drip"}  # fmt: skip
values = st.one_of(
    st.text(max_size=60),
    st.text(max_size=5000),
    st.sampled_from(["", "NaN", "-inf", "1e999", "91", "-180.0000001", "drip", "flood", KEY,
                     "HSG-leak", "HSG-", "-leak", "civicdesk", "hsg", "a@b.c", "http://x.y/z",
                     "2026-03-02T10:00:00Z", "open", "closed", "HSG-2026-000001", "\x00"]),
)  # fmt: skip
forms = st.dictionaries(st.sampled_from(FIELDS), values, max_size=12)


@pytest.fixture
def fuzz_client(api_key, severity, floor):
    return Client(raise_request_exception=False)


@given(form=forms, keep_good=st.booleans())
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
def test_post_requests_never_5xx(fuzz_client, form, keep_good):
    data = {**GOOD, **form} if keep_good else form
    before = Case.objects.count(), Submission.objects.count()
    response = fuzz_client.post("/open311/v2/requests.json", data)
    assert response.status_code < 500, response.content
    body = response.json()
    after = Case.objects.count(), Submission.objects.count()
    if response.status_code == 201:
        assert after == (before[0] + 1, before[1] + 1)
    else:
        assert after == before
        assert all(set(e) == {"code", "description"} for e in body)


@given(form=forms)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
def test_post_updates_never_5xx(fuzz_client, form):
    before = Update.objects.count()
    response = fuzz_client.post("/open311/v2/servicerequestupdates.xml", form)
    assert response.status_code < 500, response.content
    if response.status_code != 200:
        assert Update.objects.count() == before


@given(query=forms)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
def test_get_requests_never_5xx(fuzz_client, query):
    response = fuzz_client.get("/open311/v2/requests.json", query)
    assert response.status_code < 500, response.content
