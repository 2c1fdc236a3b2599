"""Training, promotion, roll-back and suggestions through the real services and database."""

from datetime import timedelta

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.core.clock import now
from civicdesk.core.errors import Conflict, NotAllowed, ValidationFailed
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.routing.adapters import RoutingExample
from civicdesk.routing.models import ModelVersion
from civicdesk.routing.services import (
    model_version_promote,
    model_version_request,
    model_version_rollback,
    model_version_train,
    routing_policy_update,
    routing_retrain_due,
)
from civicdesk.routing.suggestions import routing_suggest
from civicdesk.routing.tests.factories import bilingual_examples, departments_for, train_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def qsm(agency):
    return StaffFactory(agency=agency, role=Role.QSM).user


@pytest.fixture
def trained(agency):
    departments_for(agency)
    return train_version(agency)


def test_first_training_is_ready_evaluated_promoted_and_audited(trained, agency):
    assert trained.status == "ready"
    assert trained.is_active
    assert trained.n_train == 60
    assert trained.evaluation["top1"] > 0.4  # held-back; chance is 0.33
    assert set(trained.evaluation["labels"]) == {"MAINT", "TRANSPORT", "CLEANSING"}
    assert len(trained.evaluation["confusion"]) == 3
    assert trained.artifact and len(trained.artifact_sha256) == 64
    assert trained.library_versions["scikit-learn"]
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["routing.train_request", "routing.trained", "routing.auto_promote"]


def test_suggestion_gives_top_three_departments_and_the_words_behind_it(trained, agency):
    suggestion = routing_suggest(agency=agency, text="天花板漏水，滴到床上，升降機又壞了")
    assert next(c.code for c in suggestion.candidates) == "MAINT"
    assert len(suggestion.candidates) == 3
    assert suggestion.candidates[0].name == "Estate Maintenance"
    assert suggestion.candidates[0].department_id is not None
    assert sum(c.confidence for c in suggestion.candidates) == pytest.approx(1.0, abs=1e-3)
    assert suggestion.terms
    assert suggestion.version == 1
    assert suggestion.auto_route == (suggestion.candidates[0].confidence >= trained.threshold)


def test_auto_route_follows_the_threshold(trained, agency):
    ModelVersion.objects.filter(pk=trained.pk).update(threshold=0.0)
    # the stored threshold is the model's own; the artifact carries it
    suggestion = routing_suggest(agency=agency, text="The bus never came")
    assert suggestion.threshold == trained.threshold


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_goes_to_triage(trained, agency, text):
    suggestion = routing_suggest(agency=agency, text=text)
    assert not suggestion.auto_route and suggestion.candidates == []
    assert suggestion.reason


def test_huge_text_is_answered(trained, agency):
    suggestion = routing_suggest(agency=agency, text="water leaking ceiling " * 50_000)
    assert suggestion.candidates[0].code == "MAINT"


def test_no_model_means_triage(agency):
    suggestion = routing_suggest(agency=agency, text="The lift is broken")
    assert suggestion.candidates == [] and not suggestion.auto_route
    assert suggestion.reason


def test_a_closed_department_is_never_suggested(trained, agency):
    agency.departments.filter(code="MAINT").update(is_active=False)
    suggestion = routing_suggest(agency=agency, text="water leaking from the ceiling")
    assert "MAINT" not in [c.code for c in suggestion.candidates]
    assert not suggestion.auto_route


def test_a_broken_artifact_goes_to_triage_not_to_an_error(trained, agency):
    ModelVersion.objects.filter(pk=trained.pk).update(
        artifact=b"not a model", artifact_sha256="0" * 64
    )
    suggestion = routing_suggest(agency=agency, text="The lift is broken")
    assert suggestion.candidates == [] and not suggestion.auto_route


def test_training_without_enough_history_fails_with_a_reason(agency):
    version = model_version_request(actor=None, agency=agency, enqueue=False)
    version = model_version_train(version_id=version.pk, examples=[])
    assert version.status == "failed"
    assert "at least two destinations" in version.error
    assert not version.is_active


def test_one_training_at_a_time(agency, qsm):
    model_version_request(actor=qsm, agency=agency, enqueue=False)
    with pytest.raises(Conflict):
        model_version_request(actor=qsm, agency=agency, enqueue=False)


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.TEAM_LEAD, Role.EXECUTIVE, Role.TRAINER])
def test_only_qsm_and_admins_manage_routing(agency, role, trained):
    user = StaffFactory(agency=agency, role=role).user
    with pytest.raises(NotAllowed):
        model_version_request(actor=user, agency=agency)
    with pytest.raises(NotAllowed):
        model_version_rollback(actor=user, agency=agency)


def test_another_agencys_qsm_cannot_promote(trained, other_agency):
    outsider = StaffFactory(agency=other_agency, role=Role.QSM).user
    with pytest.raises(NotAllowed):
        model_version_promote(actor=outsider, version=trained)


def test_a_worse_version_is_kept_back_and_can_be_promoted_by_hand_then_rolled_back(
    trained, agency, qsm
):
    # Noise: labels shuffled, so the new version is clearly worse on the same kind of cases.
    rows = bilingual_examples()
    labels = [r.label for r in rows][::-1]
    noisy = [
        RoutingExample(r.text, r.kind, r.channel, "", "", label, r.created_at)
        for r, label in zip(rows, labels[7:] + labels[:7], strict=True)
    ]
    worse = train_version(agency, noisy)
    assert worse.status == "ready"
    assert worse.comparison["against"] == 1
    assert worse.comparison["not_worse"] is False
    assert not worse.is_active
    trained.refresh_from_db()
    assert trained.is_active

    model_version_promote(actor=qsm, version=worse, reason="testing")
    trained.refresh_from_db()
    assert not trained.is_active
    assert ModelVersion.objects.get(pk=worse.pk).is_active
    with pytest.raises(Conflict):
        model_version_promote(actor=qsm, version=ModelVersion.objects.get(pk=worse.pk))

    back = model_version_rollback(actor=qsm, agency=agency, reason="worse")
    assert back.pk == trained.pk
    assert ModelVersion.objects.get(agency=agency, is_active=True).pk == trained.pk
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"routing.promote", "routing.rollback"} <= actions


def test_comparison_uses_cases_the_serving_version_never_saw(trained, agency):
    later = now() + timedelta(days=1)
    fresh = bilingual_examples(since=later)
    version = train_version(agency, bilingual_examples() + fresh)
    assert version.comparison["basis"].startswith("60 cases newer than version 1")
    # The serving version learned these very texts, so on them it is hard to beat; the new
    # one is judged by its held-back predictions of the same 60 cases.
    assert version.comparison["old_top1"] >= 0.9
    assert version.is_active == version.comparison["not_worse"]


def test_rollback_needs_an_earlier_version(trained, agency, qsm):
    with pytest.raises(Conflict):
        model_version_rollback(actor=qsm, agency=agency)


def test_policy_sets_the_precision_target_of_the_next_training(agency, qsm):
    departments_for(agency)
    routing_policy_update(actor=qsm, agency=agency, precision_target=0.8, auto_promote=False)
    version = train_version(agency)
    assert version.precision_target == 0.8
    assert not version.is_active  # auto-promotion switched off
    with pytest.raises(ValidationFailed):
        routing_policy_update(actor=qsm, agency=agency, precision_target=1.2, auto_promote=True)


def test_the_front_door_routes_between_agencies(agency, other_agency):
    from civicdesk.organisations.tests.factories import AgencyFactory

    env = AgencyFactory(code="ENV")
    codes = {"MAINT": agency.code, "TRANSPORT": other_agency.code, "CLEANSING": env.code}
    rows = [
        RoutingExample(r.text, r.kind, r.channel, "", "", codes[r.label], r.created_at)
        for r in bilingual_examples()
    ]
    version = train_version(None, rows)
    assert version.agency is None and version.is_active
    suggestion = routing_suggest(agency=None, text="A fallen tree is blocking the path")
    assert suggestion.candidates[0].code == "ENV"
    assert suggestion.candidates[0].agency_id == env.pk


def test_schedule_retrains_stale_scopes_only(
    trained, agency, time_machine, django_capture_on_commit_callbacks
):
    assert routing_retrain_due() == []
    time_machine.move_to(now() + timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        queued = routing_retrain_due()
    assert [v.agency_id for v in queued] == [agency.pk]
    # The immediate task backend trains it at once; history comes from the cases adapter,
    # which is empty until the cases app is wired, so it fails with a reason.
    version = ModelVersion.objects.get(pk=queued[0].pk)
    assert version.status == "failed" and "two destinations" in version.error
