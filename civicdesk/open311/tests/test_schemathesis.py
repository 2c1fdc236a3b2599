"""Schemathesis sends requests generated from the community's Open311 swagger.json at a live
server over real HTTP: no 5xx, whatever the parameters."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from civicdesk.open311.tests.conftest import KEY, SCHEMAS

schema = schemathesis.openapi.from_path(str(SCHEMAS / "swagger.json"))
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def base_url(live_server, api_key, severity):
    return f"{live_server.url}/open311/v2"


@schema.parametrize()
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])  # fmt: skip
def test_no_server_errors(case, base_url):
    from schemathesis.checks import not_a_server_error

    if case.method == "POST":
        case.query = {**(case.query or {}), "api_key": KEY}
    response = case.call(base_url=base_url)
    case.validate_response(response, checks=[not_a_server_error])
