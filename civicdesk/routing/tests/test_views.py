"""Staff pages and the JSON API, through Django's test client."""

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.routing.models import ModelVersion, RoutingPolicy
from civicdesk.routing.tests.factories import departments_for, train_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(agency):
    departments_for(agency)
    return train_version(agency)


def _client(client, agency, role=Role.QSM):
    client.force_login(StaffFactory(agency=agency, role=role).user)
    return client


def test_qsm_sees_versions_with_their_evaluation(
    client, agency, trained, django_assert_max_num_queries
):
    _client(client, agency)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("routing:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Version 1" in html and "Serving" in html
    assert "Train a new version now" in html


def test_executive_reads_but_cannot_manage(client, agency, trained):
    _client(client, agency, Role.EXECUTIVE)
    html = client.get(reverse("routing:home")).content.decode()
    assert "Version 1" in html and "Train a new version now" not in html
    assert client.post(reverse("routing:train")).status_code == 403


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.TEAM_LEAD, Role.TRAINER])
def test_other_roles_are_turned_away(client, agency, role):
    _client(client, agency, role)
    assert client.get(reverse("routing:home")).status_code == 403


def test_version_page_has_confusion_matrix_and_per_department_table(client, agency, trained):
    _client(client, agency)
    response = client.get(reverse("routing:version", args=[trained.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="confusion"' in html
    assert html.count('<th scope="row" class="govuk-table__header">MAINT') == 2
    assert 'role="img"' in html


def test_another_agencys_version_is_not_found(client, agency, other_agency, trained):
    _client(client, other_agency)
    assert client.get(reverse("routing:version", args=[trained.pk])).status_code == 404


def test_train_queues_a_version_and_the_page_shows_the_outcome(
    client, agency, django_capture_on_commit_callbacks
):
    _client(client, agency)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("routing:train"), {"scope": agency.code}, follow=True)
    assert "Version 1 is queued for training." in response.content.decode()
    version = ModelVersion.objects.get(agency=agency)
    # The immediate backend ran it after commit; with no case history yet it failed, saying why.
    assert version.status == "failed"
    assert "two destinations" in client.get(reverse("routing:home")).content.decode()


def test_a_running_training_is_polled(client, agency):
    from civicdesk.routing.services import model_version_request

    model_version_request(actor=None, agency=agency, enqueue=False)
    _client(client, agency)
    html = client.get(reverse("routing:versions_partial"), {"scope": agency.code}).content.decode()
    assert 'hx-trigger="every 3s"' in html and 'data-testid="training-status"' in html


def test_promote_and_rollback_from_the_page(client, agency, trained):
    second = train_version(agency)
    _client(client, agency)
    ModelVersion.objects.update(is_active=False)
    ModelVersion.objects.filter(pk=trained.pk).update(is_active=True)
    client.post(reverse("routing:promote", args=[second.pk]))
    assert ModelVersion.objects.get(is_active=True).pk == second.pk
    response = client.post(reverse("routing:rollback"), {"scope": agency.code}, follow=True)
    assert "Rolled back" in response.content.decode()
    assert ModelVersion.objects.get(is_active=True).pk == trained.pk
    assert AuditEntry.objects.filter(action="routing.rollback").exists()


def test_policy_form_errors_are_shown_and_good_values_saved(client, agency):
    _client(client, agency)
    url = reverse("routing:policy")
    response = client.post(
        url, {"scope": agency.code, "precision_target": "120", "retrain_every_days": "7"}
    )
    assert response.status_code == 422
    assert "Enter a precision target of 99 or less." in response.content.decode()
    client.post(url, {"scope": agency.code, "precision_target": "90", "retrain_every_days": "3"})
    policy = RoutingPolicy.objects.get(agency=agency)
    assert policy.precision_target == 0.9 and policy.retrain_every_days == 3
    assert not policy.auto_promote


def test_try_page_shows_suggestions_and_terms(client, agency, trained):
    _client(client, agency)
    response = client.post(
        reverse("routing:try"), {"text": "升降機壞了，天花板漏水", "scope": agency.code}
    )
    html = response.content.decode()
    assert 'data-code="MAINT"' in html
    assert 'data-testid="terms"' in html
    empty = client.post(reverse("routing:try"), {"text": ""})
    assert "Enter the text of a case" in empty.content.decode()


def test_api_suggest_and_versions(client, agency, trained):
    _client(client, agency)
    response = client.post(
        "/api/v1/routing/suggest",
        {"agency": agency.code, "text": "The number 12 bus did not come"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["candidates"][0]["code"] == "TRANSPORT"
    assert len(body["candidates"]) == 3 and body["terms"]
    versions = client.get("/api/v1/routing/versions", {"agency": agency.code}).json()
    assert versions[0]["number"] == 1 and versions[0]["is_active"]


def test_api_refuses_other_agencies_and_unknown_codes(client, agency, other_agency, trained):
    _client(client, other_agency, Role.FRONTLINE)
    response = client.post(
        "/api/v1/routing/suggest",
        {"agency": agency.code, "text": "bus"},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = client.post(
        "/api/v1/routing/suggest",
        {"agency": "NOPE", "text": "bus"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_failed_and_running_versions_have_readable_pages(client, agency):
    from civicdesk.routing.services import model_version_request, model_version_train

    failed = model_version_train(
        version_id=model_version_request(actor=None, agency=agency, enqueue=False).pk, examples=[]
    )
    running = model_version_request(actor=None, agency=agency, enqueue=False)
    _client(client, agency)
    html = client.get(reverse("routing:version", args=[failed.pk])).content.decode()
    assert "Why it failed" in html and "two destinations" in html
    html = client.get(reverse("routing:version", args=[running.pk])).content.decode()
    assert "Waiting for a worker" in html


def test_only_system_admins_reach_the_front_door(agency, other_agency):
    from civicdesk.routing.selectors import routing_scopes_for

    admin = StaffFactory(agency=None, role=Role.SYSTEM_ADMIN).user
    assert routing_scopes_for(admin) == [agency, other_agency, None]
    qsm = StaffFactory(agency=agency, role=Role.QSM).user
    assert routing_scopes_for(qsm) == [agency]
