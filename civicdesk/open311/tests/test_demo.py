import io

import pytest

from civicdesk.open311 import demo
from civicdesk.open311.models import ApiKey, ServiceAttribute
from civicdesk.open311.tests.conftest import post_request

pytestmark = pytest.mark.django_db


def test_demo_key_posts_at_once_and_a_second_load_changes_nothing(client, leak):
    out = io.StringIO()
    demo.load(stdout=out, stderr=io.StringIO())
    assert "api_key=demo-open311-key" in out.getvalue()
    attributes = list(ServiceAttribute.objects.values_list("code", flat=True))
    assert sorted(attributes) == ["floor", "severity"]  # only HSG-leak exists here
    demo.load(stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiKey.objects.count() == 1
    assert ServiceAttribute.objects.count() == 2
    response = post_request(client, api_key="demo-open311-key")
    assert response.status_code == 201, response.content
