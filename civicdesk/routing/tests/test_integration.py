"""Automatic routing at intake: through the real case_create, the real model and database."""

import hashlib
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.audit.models import AuditEntry
from civicdesk.cases.models import CaseEvent
from civicdesk.cases.services import case_assign, case_create, case_set_status
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.routing import artifact, integration
from civicdesk.routing.adapters import routing_examples
from civicdesk.routing.model import NO_AUTO_ROUTE
from civicdesk.routing.models import ModelVersion
from civicdesk.routing.tests.factories import departments_for, train_version

pytestmark = pytest.mark.django_db

LEAK_ZH = "天花板漏水，滴到床上，浴室的水管也在漏水"
LEAK_EN = "Water is leaking through the ceiling of my bathroom and the pipe drips"


def set_threshold(version: ModelVersion, threshold: float) -> ModelVersion:
    """Store the version's model again with another threshold (as another precision target
    would have chosen)."""
    model = artifact.load(version_id=version.pk, sha256=version.artifact_sha256)
    model.threshold = threshold
    data, sha = artifact.dump(model)
    ModelVersion.objects.filter(pk=version.pk).update(
        artifact=data, artifact_sha256=sha, threshold=threshold
    )
    integration.forget(version.agency_id)
    version.refresh_from_db()
    return version


@pytest.fixture
def departments(agency):
    return departments_for(agency)


@pytest.fixture
def serving(agency, departments):
    version = train_version(agency)
    assert version.is_active
    return set_threshold(version, 0.0)


def create(agency, text, **kwargs):
    return case_create(agency=agency, kind="complaint", channel="web", description=text, **kwargs)


def test_a_sure_case_is_routed_with_an_event_and_an_audit_entry(serving, agency, departments):
    case = create(agency, LEAK_ZH)
    assert case.department_id == departments["MAINT"].pk
    event = CaseEvent.objects.get(case=case, action="routed_automatically")
    assert event.text.startswith("routed automatically by model v1 at confidence ")
    assert event.data["department"] == "MAINT" and event.data["version"] == 1
    entry = AuditEntry.objects.get(action="case.auto_route")
    assert entry.data["reference"] == case.reference
    assert 0 < entry.data["confidence"] <= 1


def test_english_and_chinese_cases_reach_the_same_department(serving, agency, departments):
    english = create(agency, LEAK_EN)
    chinese = create(agency, LEAK_ZH)
    bus = create(agency, "巴士站沒有上蓋，巴士班次太少，司機開車太快")
    assert english.department_id == chinese.department_id == departments["MAINT"].pk
    assert bus.department_id == departments["TRANSPORT"].pk


def test_below_the_threshold_the_case_goes_to_triage(serving, agency):
    set_threshold(serving, NO_AUTO_ROUTE)
    case = create(agency, LEAK_ZH)
    assert case.department_id is None
    assert not CaseEvent.objects.filter(case=case, action="routed_automatically").exists()


def test_the_category_the_citizen_picked_wins(serving, agency, departments):
    buses = CategoryFactory(agency=agency, code="bus", department=departments["TRANSPORT"])
    case = create(agency, LEAK_ZH, category=buses)
    assert case.department_id == departments["TRANSPORT"].pk
    assert case.category == buses
    assert not CaseEvent.objects.filter(case=case, action="routed_automatically").exists()


def test_a_sure_model_beats_a_keyword_rule_that_disagrees(serving, agency, departments):
    CategoryFactory(agency=agency, code="bus", department=departments["TRANSPORT"],
                    keywords="bathroom")  # fmt: skip
    case = create(agency, LEAK_EN)
    assert case.department_id == departments["MAINT"].pk
    assert case.category is None  # the rule's category belongs to another department


def test_a_keyword_rule_that_agrees_keeps_its_category(serving, agency, departments):
    leak = CategoryFactory(agency=agency, code="leak", department=departments["MAINT"],
                           keywords="ceiling")  # fmt: skip
    case = create(agency, LEAK_EN)
    assert case.department_id == departments["MAINT"].pk and case.category == leak


def test_a_broken_model_file_never_breaks_intake(serving, agency, caplog):
    junk = b"not a model at all"
    ModelVersion.objects.filter(pk=serving.pk).update(
        artifact=junk, artifact_sha256=hashlib.sha256(junk).hexdigest()
    )
    integration.forget(agency.pk)
    with caplog.at_level(logging.ERROR, logger="civicdesk.routing"):
        case = create(agency, LEAK_ZH)
        again = create(agency, LEAK_EN)
    assert case.pk and again.pk and case.department_id is None
    # Logged once, then remembered as broken until the next check.
    assert sum("could not be loaded" in r.getMessage() for r in caplog.records) == 1


def test_a_failing_database_read_is_logged_and_intake_goes_on(agency, monkeypatch, caplog):
    integration.reset_cache()

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(integration, "_lookup", fail)
    with caplog.at_level(logging.ERROR, logger="civicdesk.routing"):
        case = create(agency, LEAK_ZH)
    assert case.pk and case.department_id is None
    assert any("automatic routing failed" in r.getMessage() for r in caplog.records)


def test_a_warm_cache_costs_no_query(serving, agency):
    integration.auto_route(agency=agency, text=LEAK_ZH)  # warms: version, destinations, model
    with CaptureQueriesContext(connection) as queries:
        decision = integration.auto_route(agency=agency, text=LEAK_EN, kind="complaint")
    assert decision is not None and decision.department_code == "MAINT"
    assert len(queries) == 0


def test_an_agency_without_a_model_costs_one_query_a_minute(agency):
    integration.reset_cache()
    with CaptureQueriesContext(connection) as first:
        assert integration.auto_route(agency=agency, text=LEAK_ZH) is None
    with CaptureQueriesContext(connection) as second:
        assert integration.auto_route(agency=agency, text=LEAK_ZH) is None
    assert len([q for q in first if "routing_modelversion" in q["sql"]]) == 1
    assert len(second) == 0


def test_a_version_promoted_elsewhere_is_seen_after_the_check_interval(
    agency, departments, monkeypatch
):
    integration.reset_cache()
    assert integration.auto_route(agency=agency, text=LEAK_ZH) is None  # none serves: cached
    version = train_version(agency)
    ModelVersion.objects.filter(pk=version.pk).update(threshold=0.0)
    set_threshold(version, 0.0)
    # Another process promoted it: this one has not been told.
    integration._CACHE[agency.pk] = integration._Serving(checked_at=integration.time.monotonic())
    assert integration.auto_route(agency=agency, text=LEAK_ZH) is None
    monkeypatch.setattr(integration, "CHECK_EVERY_SECONDS", 0.0)
    decision = integration.auto_route(agency=agency, text=LEAK_ZH)
    assert decision is not None and decision.version_number == version.number


def test_empty_text_and_no_agency_are_not_routed(serving, agency):
    assert integration.auto_route(agency=agency, text="   ") is None
    assert integration.auto_route(agency=None, text=LEAK_ZH) is None


def test_a_reassignment_is_the_label_the_next_training_learns(serving, agency, departments):
    case = create(agency, LEAK_ZH)
    assert case.department_id == departments["MAINT"].pk
    lead = StaffFactory(agency=agency, role=Role.QSM)
    buses = CategoryFactory(agency=agency, code="bus", department=departments["TRANSPORT"])
    case_assign(case=case, actor=lead.user, category=buses, reason="It is about the bus stop")
    case_set_status(case=case, actor=lead.user, status="acknowledged")
    [example] = [e for e in routing_examples(agency=agency) if e.text.endswith(LEAK_ZH)]
    assert example.label == "TRANSPORT"
    assert example.category_hint == ""  # the final category would give the label away
