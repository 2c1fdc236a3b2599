"""The demo's survey answers name the sites' own queue services, as a real invitation after a
ticket does, so that the performance page can show CSAT by service on the demo city (it read
"RENT" and "Repairs", which no queue service is)."""

import pytest

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues.tests.factories import ServiceFactory
from civicdesk.surveys.demo import _load_agency
from civicdesk.surveys.models import Response

pytestmark = pytest.mark.django_db


def test_demo_answers_name_the_sites_queue_services(agency):
    site = SiteFactory(agency=agency, code="HCC")
    services = [ServiceFactory(site=site, prefix=p, name=f"Service {p}") for p in "ABC"]
    _load_agency(agency)
    keys = set(Response.objects.filter(site=site).values_list("service_key", "service_name"))
    assert keys
    assert keys <= {(f"queues.service:{s.pk}", s.name) for s in services}
