"""Schemathesis sends generated requests at every cases endpoint over real HTTP: no 5xx."""

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings

from civicdesk.cases.api import hash_key
from civicdesk.cases.models import IntakeKey
from civicdesk.cases.services import case_create
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.config.api import api
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, DepartmentFactory, StaffFactory

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1")).include(
    path_regex=r"^/api/v1/cases"
)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def credentials(live_server):
    housing = AgencyFactory(code="HSG", name="Housing")
    AgencyFactory(code="ENV", name="Environment")
    maintenance = DepartmentFactory(agency=housing, code="MAINT")
    category = CategoryFactory(agency=housing, code="leak", department=maintenance)
    qsm = StaffFactory(agency=housing, role=Role.QSM)
    StaffFactory(agency=housing, role=Role.FRONTLINE, departments=[maintenance])
    IntakeKey.objects.create(agency=housing, name="fuzz", key_hash=hash_key("fuzz-key"))
    for n in range(3):
        case_create(agency=housing, category=category, kind="complaint", channel="web",
                    description=f"Leak {n}", contact_email=f"c{n}@example.org")  # fmt: skip
    client = Client()
    client.force_login(qsm.user)
    client.get("/cases/staff/")  # sets the CSRF cookie
    csrf = client.cookies.get("csrftoken")
    cookies = {"sessionid": client.cookies["sessionid"].value}
    headers = {"X-Api-Key": "fuzz-key"}
    if csrf is not None:
        cookies["csrftoken"] = csrf.value
        headers["X-CSRFToken"] = csrf.value
    return {"base_url": live_server.url, "cookies": cookies, "headers": headers}


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])  # fmt: skip
def test_no_server_errors(case, credentials):
    from schemathesis.checks import not_a_server_error

    response = case.call(base_url=credentials["base_url"], headers=credentials["headers"],
                         cookies=credentials["cookies"])  # fmt: skip
    case.validate_response(response, checks=[not_a_server_error])
