"""In a real browser: a QSM reviews routing versions, tries a case, and every page passes axe."""

import pytest
from playwright.sync_api import expect

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.routing.models import ModelVersion
from civicdesk.routing.services import model_version_request
from civicdesk.routing.tests.factories import departments_for, train_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_qsm_reviews_versions_tries_a_case_and_rolls_back(page, axe, agency):
    departments_for(agency)
    first = train_version(agency)
    second = train_version(agency)
    qsm = StaffFactory(agency=agency, role=Role.QSM).user
    sign_in(page, qsm)

    page.goto("/staff/routing/")
    assert page.get_by_role("heading", level=1).inner_text() == "Routing"
    assert page.locator("tr[data-version='2']").is_visible()
    assert axe(page) == []

    page.get_by_role("link", name=f"Version {second.number}").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Routing version 2"
    assert page.locator("[data-testid=confusion] tbody tr").count() == 3
    assert page.get_by_role("img", name="Precision and recall by department").is_visible()
    assert axe(page) == []

    page.goto("/staff/routing/try/")
    page.get_by_label("What the citizen wrote").fill("升降機壞了，天花板漏水")
    page.get_by_label("Channel").select_option("web")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Suggest where it goes").press("Enter")
    page.wait_for_selector("[data-testid=terms]")
    assert page.locator("tbody tr").first.get_attribute("data-code") == "MAINT"
    assert axe(page) == []

    page.goto("/staff/routing/")
    if ModelVersion.objects.get(pk=second.pk).is_active:
        page.get_by_role("button", name="Roll back to the previous version").click()
        assert "Rolled back" in page.locator(".govuk-notification-banner").inner_text()
        assert ModelVersion.objects.get(is_active=True).pk == first.pk
    assert axe(page) == []


def test_training_status_updates_while_it_runs(page, axe, agency):
    version = model_version_request(actor=None, agency=agency, enqueue=False)
    admin = StaffFactory(agency=agency, role=Role.EXECUTIVE).user
    sign_in(page, admin)
    page.goto("/staff/routing/")
    status = page.get_by_test_id("training-status")
    assert "Waiting for a worker" in status.inner_text()
    assert axe(page) == []
    ModelVersion.objects.filter(pk=version.pk).update(
        status="training", progress=0.5, progress_note="held-back fold 3 of 5"
    )
    # htmx polls the versions table every 3 s; no reload, no script besides htmx.
    expect(page.get_by_test_id("training-status")).to_contain_text("fold 3", timeout=10_000)
    assert axe(page) == []
