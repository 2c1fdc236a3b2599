"""Writes: routing policy, training a model version, promoting and rolling back."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from civicdesk.audit.services import audit_record
from civicdesk.core.clock import now
from civicdesk.core.errors import Conflict, NotFound, ValidationFailed
from civicdesk.organisations.models import Agency
from civicdesk.organisations.permissions import Access, Area, Target, require
from civicdesk.routing import artifact, integration
from civicdesk.routing.adapters import RoutingExample, routing_examples
from civicdesk.routing.model import RoutingDataError, evaluate_predictions, train
from civicdesk.routing.models import ModelVersion, RoutingPolicy
from civicdesk.routing.workflows import FAILED, QUEUED, READY, TRAINING, version_set_status

log = logging.getLogger("civicdesk.routing")

# A new version is "not worse" when its top-1 and auto-route coverage are each within this of
# the serving version's, measured on the same cases.
NOT_WORSE_TOLERANCE = 0.005
MIN_COMPARISON_CASES = 30

ProgressFn = Callable[[str, float], None]


def require_manage(actor, agency: Agency | None) -> None:
    """Agency admins and QSMs manage their agency's routing; system admins also the front door."""
    require(actor, Area.CASES, Access.WRITE, Target(agency_id=agency.pk if agency else None))


def require_view(actor, agency: Agency | None) -> None:
    require(actor, Area.CASES, Access.READ, Target(agency_id=agency.pk if agency else None))


def routing_policy_for(agency: Agency | None) -> RoutingPolicy:
    policy = RoutingPolicy.objects.filter(agency=agency).first()
    return policy or RoutingPolicy(agency=agency)


@transaction.atomic
def routing_policy_update(
    *,
    actor,
    agency: Agency | None,
    precision_target: float,
    auto_promote: bool,
    retrain_every_days: int = 7,
) -> RoutingPolicy:
    require_manage(actor, agency)
    if not 0.5 <= precision_target <= 0.999:
        raise ValidationFailed(_("The precision target must be between 50% and 99.9%."))
    if retrain_every_days < 1:
        raise ValidationFailed(_("Retrain at least every day, or more days apart."))
    policy = routing_policy_for(agency)
    before = {"precision_target": policy.precision_target, "auto_promote": policy.auto_promote}
    policy.precision_target = precision_target
    policy.auto_promote = auto_promote
    policy.retrain_every_days = retrain_every_days
    policy.save()
    audit_record(
        actor=actor,
        action="routing.policy_update",
        target=policy,
        agency=agency,
        data={"before": before, "precision_target": precision_target, "auto_promote": auto_promote},
    )
    return policy


@transaction.atomic
def model_version_request(
    *, actor, agency: Agency | None, trigger: str = "manual", enqueue: bool = True
) -> ModelVersion:
    """Queue a training. One at a time per agency: a second request while one runs is refused."""
    if actor is not None:
        require_manage(actor, agency)
    running = (
        ModelVersion.objects.select_for_update()
        .filter(agency=agency, status__in=[QUEUED, TRAINING])
        .first()
    )
    if running is not None:
        raise Conflict(
            _("Version %(n)s is already being trained; wait for it to finish.")
            % {"n": running.number}
        )
    number = (ModelVersion.objects.filter(agency=agency).aggregate(n=Max("number"))["n"] or 0) + 1
    policy = routing_policy_for(agency)
    version = ModelVersion.objects.create(
        agency=agency,
        number=number,
        trigger=trigger,
        requested_by=actor if actor is not None and actor.pk else None,
        precision_target=policy.precision_target,
        progress_note=_("Waiting for a worker"),
    )
    audit_record(
        actor=actor,
        action="routing.train_request",
        target=version,
        agency=agency,
        data={"number": number, "trigger": trigger},
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue_training(version.pk))
    return version


def _enqueue_training(version_id: int) -> None:
    from civicdesk.routing.tasks import train_model_version

    try:
        train_model_version.enqueue(version_id)
    except Exception:  # the version stays queued; the schedule picks it up
        log.exception("could not enqueue training of routing version %s", version_id)


def _report(version_id: int) -> ProgressFn:
    def progress(note: str, fraction: float) -> None:
        ModelVersion.objects.filter(pk=version_id).update(
            progress=round(min(max(fraction, 0.0), 1.0), 3), progress_note=note[:200]
        )

    return progress


def model_version_train(
    *,
    version_id: int,
    examples: Iterable[RoutingExample] | None = None,
    progress: ProgressFn | None = None,
) -> ModelVersion:
    """Train a queued version (the background task's body). Never raises on bad data: the
    version ends `failed` with the reason. Examples default to the agency's history."""
    with transaction.atomic():
        version = ModelVersion.objects.select_for_update().get(pk=version_id)
        if version.status != QUEUED:
            return version
        version_set_status(version, TRAINING)
        version.started_at = now()
        version.progress_note = _("Reading past cases")
        version.save(update_fields=["status", "started_at", "progress_note", "updated_at"])
    report = _report(version_id)

    def both(note: str, fraction: float) -> None:
        report(note, fraction)
        if progress:
            progress(note, fraction)

    try:
        rows = list(examples if examples is not None else routing_examples(agency=version.agency))
        result = train(
            [r.as_example() for r in rows],
            precision_target=version.precision_target,
            progress=both,
            embeddings=_use_embeddings(),
        )
        data, sha = artifact.dump(result.model)
    except RoutingDataError as exc:
        return _fail(version_id, str(exc))
    except Exception as exc:  # a failed training must leave a readable reason, not a stuck row
        log.exception("training routing version %s failed", version_id)
        return _fail(version_id, f"{exc.__class__.__name__}: {exc}")

    dates = [r.created_at for r in rows if r.created_at is not None]
    with transaction.atomic():
        version = ModelVersion.objects.select_for_update().get(pk=version_id)
        version_set_status(version, READY)
        version.finished_at = now()
        version.progress, version.progress_note = 1.0, ""
        version.n_train = result.n_train
        version.data_until = max(dates) if dates else None
        version.threshold = result.model.threshold
        version.evaluation = {**result.evaluation, "dropped": result.dropped}
        version.training_seconds = result.seconds
        version.library_versions = artifact.model_library_versions(result.model)
        version.artifact, version.artifact_sha256 = data, sha
        version.comparison = _compare_with_active(version, rows, result)
        version.save()
        audit_record(
            actor=None,
            action="routing.trained",
            target=version,
            agency=version.agency,
            data={
                "number": version.number,
                "n_train": version.n_train,
                "top1": result.evaluation["top1"],
                "coverage": result.evaluation["coverage"],
            },
        )
        policy = routing_policy_for(version.agency)
        if policy.auto_promote and version.comparison.get("not_worse"):
            _promote(version, actor=None, action="routing.auto_promote")
    return version


def _use_embeddings() -> str:
    """The sentence encoder CIVICDESK_ROUTING_EMBEDDINGS names, or "". Without its extra
    installed the training goes on without it (said in the log and in the version's
    evaluation["features"]), so a missing package never stops retraining."""
    name = settings.CIVICDESK_ROUTING_EMBEDDINGS
    if not name:
        return ""
    from civicdesk.routing.embeddings import ENCODERS

    spec = ENCODERS.get(name)
    if spec is not None and spec.available():
        return name
    log.warning(
        "CIVICDESK_ROUTING_EMBEDDINGS=%s but %s; training without sentence embeddings",
        name,
        f"{spec.package} is not installed" if spec else f"known encoders: {', '.join(ENCODERS)}",
    )
    return ""


def _fail(version_id: int, reason: str) -> ModelVersion:
    with transaction.atomic():
        version = ModelVersion.objects.select_for_update().get(pk=version_id)
        version_set_status(version, FAILED)
        version.finished_at = now()
        version.error = reason[:2000]
        version.progress_note = ""
        version.save()
        audit_record(
            actor=None,
            action="routing.train_failed",
            target=version,
            agency=version.agency,
            data={"number": version.number, "error": reason[:500]},
        )
    return version


def _compare_with_active(version: ModelVersion, rows: list[RoutingExample], result) -> dict:
    """Is the new version not worse than the one serving now, on the same cases?

    The same cases are those the serving version never learned from (newer than its
    `data_until`): the serving model predicts them, and the new one is scored on them by its
    held-back folds. With fewer than MIN_COMPARISON_CASES such cases, both versions' own
    held-back evaluations are compared instead (said so in `basis`).
    """
    active = ModelVersion.objects.filter(agency=version.agency, is_active=True).first()
    new = result.evaluation
    if active is None:
        return {"against": None, "not_worse": True, "basis": "no serving version"}
    old = active.evaluation or {}
    basis = "held-back evaluations of each version"
    old_top1, new_top1 = old.get("top1", 0.0), new["top1"]
    old_cov, new_cov = old.get("coverage", 0.0), new["coverage"]
    # Kept examples (in held-back order) that the serving version never saw.
    fresh = [
        (k, position)
        for k, position in enumerate(result.positions)
        if active.data_until
        and rows[position].created_at
        and rows[position].created_at > active.data_until
    ]
    if len(fresh) >= MIN_COMPARISON_CASES and active.artifact:
        try:
            serving = artifact.load(
                version_id=active.pk, sha256=active.artifact_sha256, data=active.artifact
            )
            examples = [rows[p].as_example() for _k, p in fresh]
            truth = [rows[p].label for _k, p in fresh]
            old_eval = evaluate_predictions(
                labels=serving.labels,
                y_true=truth,
                proba=serving.predict_proba(examples),
                threshold=serving.threshold,
            )
            new_eval = evaluate_predictions(
                labels=result.model.labels,
                y_true=truth,
                proba=result.oof_proba[[k for k, _p in fresh]],
                threshold=result.model.threshold,
            )
            old_top1, old_cov = old_eval["top1"], old_eval["coverage"]
            new_top1, new_cov = new_eval["top1"], new_eval["coverage"]
            basis = f"{len(fresh)} cases newer than version {active.number}"
        except Exception:
            log.exception("could not score serving routing version %s", active.pk)
    not_worse = (
        new_top1 >= old_top1 - NOT_WORSE_TOLERANCE and new_cov >= old_cov - NOT_WORSE_TOLERANCE
    )
    return {
        "against": active.number,
        "basis": basis,
        "old_top1": old_top1,
        "new_top1": new_top1,
        "old_coverage": old_cov,
        "new_coverage": new_cov,
        "not_worse": bool(not_worse),
    }


def _promote(version: ModelVersion, *, actor, action: str, reason: str = "") -> ModelVersion:
    previous = (
        ModelVersion.objects.select_for_update()
        .filter(agency=version.agency, is_active=True)
        .exclude(pk=version.pk)
        .first()
    )
    if previous is not None:
        previous.is_active = False
        previous.save(update_fields=["is_active", "updated_at"])
    version.is_active = True
    version.promoted_at = now()
    version.promoted_by = actor if actor is not None and actor.pk else None
    version.save(update_fields=["is_active", "promoted_at", "promoted_by", "updated_at"])
    integration.forget(version.agency_id)
    audit_record(
        actor=actor,
        action=action,
        target=version,
        agency=version.agency,
        data={
            "number": version.number,
            "previous": previous.number if previous else None,
            "reason": reason,
        },
    )
    return version


@transaction.atomic
def model_version_promote(*, actor, version: ModelVersion, reason: str = "") -> ModelVersion:
    require_manage(actor, version.agency)
    version = ModelVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != READY:
        raise Conflict(_("Only a ready version can serve suggestions."))
    if version.is_active:
        raise Conflict(_("Version %(n)s is already serving.") % {"n": version.number})
    return _promote(version, actor=actor, action="routing.promote", reason=reason[:500])


@transaction.atomic
def model_version_rollback(*, actor, agency: Agency | None, reason: str = "") -> ModelVersion:
    """Put back the version that served before the current one."""
    require_manage(actor, agency)
    current = ModelVersion.objects.filter(agency=agency, is_active=True).first()
    if current is None:
        raise NotFound(_("No version is serving, so there is nothing to roll back."))
    earlier = (
        ModelVersion.objects.filter(
            agency=agency, status=READY, promoted_at__isnull=False, is_active=False
        )
        .filter(promoted_at__lt=current.promoted_at)
        .order_by("-promoted_at")
        .first()
    )
    if earlier is None:
        raise Conflict(_("No earlier version has served; promote another version instead."))
    return _promote(earlier, actor=actor, action="routing.rollback", reason=reason[:500])


def routing_retrain_due() -> list[ModelVersion]:
    """The schedule: queue a training for every scope whose newest version is old enough.

    Scopes: each active agency with a policy or a version, and the front door if it has either.
    Queued versions left behind (a worker died) are retrained here too.
    """
    queued = []
    stale = ModelVersion.objects.filter(status=QUEUED, created_at__lt=now() - timedelta(hours=1))
    for version in stale:
        model_version_train(version_id=version.pk)
    scopes: list[Agency | None] = list(
        Agency.objects.filter(is_active=True)
        .filter(Q(routing_versions__isnull=False) | Q(routing_policy__isnull=False))
        .distinct()
    )
    if (
        ModelVersion.objects.filter(agency__isnull=True).exists()
        or RoutingPolicy.objects.filter(agency__isnull=True).exists()
    ):
        scopes.append(None)
    for agency in scopes:
        policy = routing_policy_for(agency)
        newest = ModelVersion.objects.filter(agency=agency).order_by("-number").first()
        if newest and newest.created_at > now() - timedelta(days=policy.retrain_every_days):
            continue
        try:
            queued.append(model_version_request(actor=None, agency=agency, trigger="schedule"))
        except Conflict:
            continue
    return queued
