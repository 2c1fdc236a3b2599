"""The Content-Security-Policy django-csp sends: a JSON answer gets the settings' policy without
a nonce, a page with inline script a nonce of its own each time, and a changed setting applies
at once."""

import re

import pytest
from csp.utils import build_policy

pytestmark = pytest.mark.django_db


def test_a_json_answer_gets_the_policy_django_csp_builds(client):
    response = client.get("/api/v1/ping")
    assert response["Content-Security-Policy"] == build_policy()
    assert "nonce" not in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_page_with_inline_script_gets_its_own_nonce(client):
    first, second = client.get("/staff/sign-in/"), client.get("/staff/sign-in/")
    nonces = []
    for response in (first, second):
        header = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", header).group(1)
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert client.get("/api/v1/ping")["Content-Security-Policy"] == build_policy()


def test_a_changed_policy_applies_to_the_next_answer(client, settings):
    assert "img-src 'self' data:" in client.get("/api/v1/ping")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": ["'self'"]},
        "EXCLUDE_URL_PREFIXES": ["/healthz"],
    }
    response = client.get("/api/v1/ping")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'"
    assert "Content-Security-Policy-Report-Only" not in client.get("/healthz")
