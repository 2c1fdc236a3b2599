"""`civicdesk routing evaluate ...` (CSV in, one JSON object out) and `civicdesk routing train`."""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from civicdesk.routing.csvdata import CsvError, read_examples
from civicdesk.routing.model import (
    RoutingDataError,
    build_baseline,
    evaluate_predictions,
    normalise_text,
    train,
)


def _progress_bar(label: str):
    def report(note: str, fraction: float) -> None:
        width = 30
        filled = round(fraction * width)
        sys.stderr.write(
            f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%} {note:<45}"
        )
        if fraction >= 1:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


class Command(BaseCommand):
    help = "Evaluate the routing model on CSV files, or train an agency's model from its cases."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        evaluate = sub.add_parser("evaluate", help="Train on one CSV, evaluate on another.")
        evaluate.add_argument("--train", required=True, metavar="FILE")
        evaluate.add_argument("--test", required=True, metavar="FILE")
        evaluate.add_argument("--text-column", default="text")
        evaluate.add_argument("--label-column", default="label")
        evaluate.add_argument("--precision", type=float, default=0.95)
        evaluate.add_argument("--json", action="store_true", help="Print one JSON object.")
        evaluate.add_argument(
            "--embeddings",
            nargs="?",
            const="use-multilingual-v3",
            default="",
            metavar="ENCODER",
            help="Add sentence embeddings: use-multilingual-v3 (the default when no name is "
            "given; needs civicdesk[embeddings]) or wordllama-256 (civicdesk[embeddings-wordllama]).",
        )
        trainer = sub.add_parser("train", help="Train a new version from the database.")
        trainer.add_argument("--agency", required=True, help="Agency code, or FRONTDOOR.")

    def handle(self, *args, action, **options):
        if action == "evaluate":
            return self.evaluate(options)
        return self.train_agency(options)

    # --- evaluate --------------------------------------------------------------------------
    def evaluate(self, options) -> None:
        columns = {"text_column": options["text_column"], "label_column": options["label_column"]}
        try:
            train_rows = read_examples(options["train"], **columns)
            test_rows = read_examples(options["test"], **columns)
        except CsvError as exc:
            raise CommandError(str(exc)) from exc
        if not 0.5 <= options["precision"] < 1:
            raise CommandError("--precision must be between 0.5 and 1.")
        if options["embeddings"]:
            from civicdesk.routing.embeddings import ENCODERS

            spec = ENCODERS.get(options["embeddings"])
            if spec is None:
                raise CommandError(f"--embeddings: one of {', '.join(ENCODERS)}.")
            if not spec.available():
                raise CommandError(f"--embeddings {spec.name} needs {spec.package}: "
                                   f"{spec.install_hint()}")  # fmt: skip
        progress = _progress_bar("training")
        self.stderr.write(f"{len(train_rows)} training rows, {len(test_rows)} test rows")
        try:
            result = train(
                train_rows,
                precision_target=options["precision"],
                progress=progress,
                embeddings=options["embeddings"],
            )
        except RoutingDataError as exc:
            raise CommandError(str(exc)) from exc
        model = result.model
        truth = [row.label for row in test_rows]
        unseen = sorted({t for t in truth if t not in model.labels})
        if unseen:
            self.stderr.write(
                f"{len(unseen)} test label(s) never seen in training count as wrong: "
                + ", ".join(unseen[:10])
            )
        # One case at a time, as intake sees them: the per-case latency a citizen waits for.
        model.predict_proba(test_rows[:1])  # warm-up, not timed
        rows = []
        started, cpu_started = time.perf_counter(), time.process_time()
        for row in test_rows:
            rows.append(model.predict_proba([row])[0])
        elapsed = time.perf_counter() - started
        cpu_ms = (time.process_time() - cpu_started) * 1000 / max(len(test_rows), 1)
        # Wall time goes in the JSON; on a busy machine the CPU time says what one core needs.
        self.stderr.write(f"inference: {cpu_ms:.3f} ms CPU per case")
        proba = np.vstack(rows) if rows else np.zeros((0, len(model.labels)))
        evaluation = evaluate_predictions(
            labels=model.labels, y_true=truth, proba=proba, threshold=model.threshold
        )
        self.stderr.write("baseline: TF-IDF + logistic regression on the same split")
        baseline = build_baseline()
        train_text = [normalise_text(r.text) for r in train_rows]
        baseline.fit(train_text, [r.label for r in train_rows])
        baseline_top1 = float(
            np.mean(
                baseline.predict([normalise_text(r.text) for r in test_rows]) == np.array(truth)
            )
        )
        self.stderr.write(
            f"threshold {evaluation['threshold']} (chosen on held-back training folds); "
            f"precision of auto-routed test cases: {evaluation['precision_routed']}; "
            f"training {result.seconds}s"
        )
        output = {
            "top1": evaluation["top1"],
            "top3": evaluation["top3"],
            "macro_f1": evaluation["macro_f1"],
            "coverage_at_95": evaluation["coverage"],
            "ms_per_case": round(elapsed * 1000 / max(len(test_rows), 1), 3),
            # CPU time of the same loop: what one core needs, whatever else the machine runs.
            "ms_per_case_cpu": round(cpu_ms, 3),
            "baseline_top1": round(baseline_top1, 4),
            "n_train": result.n_train,
            "n_test": len(test_rows),
            "features": model.features,
        }
        if options["json"]:
            self.stdout.write(json.dumps(output))
        else:
            for key, value in output.items():
                self.stdout.write(f"{key:>15}: {value}")

    # --- train -----------------------------------------------------------------------------
    def train_agency(self, options) -> None:
        from civicdesk.organisations.models import Agency
        from civicdesk.routing.services import model_version_request, model_version_train

        code = options["agency"].strip().upper()
        agency = None
        if code not in ("FRONTDOOR", "FRONT-DOOR"):
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                raise CommandError(f"No agency with code {code!r}.")
        from civicdesk.core.errors import Conflict

        try:
            version = model_version_request(actor=None, agency=agency, trigger="cli", enqueue=False)
        except Conflict as exc:
            raise CommandError(exc.message) from exc
        version = model_version_train(version_id=version.pk, progress=_progress_bar("training"))
        if version.status != "ready":
            raise CommandError(f"Version {version.number} failed: {version.error}")
        evaluation = version.evaluation
        self.stdout.write(
            f"Version {version.number}: {version.n_train} cases, top-1 {evaluation['top1']}, "
            f"top-3 {evaluation['top3']}, auto-routed {evaluation['coverage']} "
            f"({'serving' if version.is_active else 'not promoted'})."
        )
