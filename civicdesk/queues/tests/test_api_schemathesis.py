"""Schemathesis over real HTTP against the live server: no input to the queues API gives a 5xx.

Generated cases come from the published OpenAPI schema; staff endpoints are called with a
signed-in team lead's session (and a CSRF token), so they are exercised past authentication.
"""

import pytest
import schemathesis
import time_machine
from django.test import Client
from hypothesis import HealthCheck, given, settings

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues.tests.conftest import OPEN_MORNING
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)
CSRF = "schemathesis0csrf0token0value000"  # 32 characters: a valid unmasked CSRF secret


def test_queues_api_never_answers_5xx(live_server):
    with time_machine.travel(OPEN_MORNING, tick=True):
        site = SiteFactory(code="HCC")
        service = ServiceFactory(site=site, prefix="A")
        ServiceFactory(site=site, prefix="B")
        CounterFactory(site=site, services=[service])
        officer = StaffFactory(agency=site.agency, role=Role.TEAM_LEAD, sites=[site]).user
        client = Client()
        client.force_login(officer)
        headers = {
            "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        }
        schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
        operations = [
            result.ok()
            for result in schema.include(path_regex="^/api/v1/queues/").get_all_operations()
        ]
        assert len(operations) >= 10
        failures = []
        for operation in operations:

            @settings(
                max_examples=30,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def check(case):
                response = case.call(base_url=live_server.url, headers=headers)
                if response.status_code >= 500:
                    failures.append((case.method, case.formatted_path, response.text[:300]))

            check()
        assert failures == []
