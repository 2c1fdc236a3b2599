import logging
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from civicdesk.core.clock import now
from civicdesk.core.models import PeriodicRun
from civicdesk.core.periodic import REGISTRY

log = logging.getLogger("civicdesk.tick")


def run_due_jobs() -> list[str]:
    ran = []
    for job in REGISTRY.values():
        with transaction.atomic():
            run, _created = PeriodicRun.objects.select_for_update().get_or_create(name=job.name)
            due = run.last_started_at is None or now() - run.last_started_at >= timedelta(
                seconds=job.every_seconds
            )
            if not due:
                continue
            run.last_started_at = now()
            run.save(update_fields=["last_started_at"])
        try:
            job.func()
            error = ""
        except Exception as exc:  # a failing job must not stop the others
            log.exception("periodic job %s failed", job.name)
            error = f"{exc.__class__.__name__}: {exc}"
        PeriodicRun.objects.filter(pk=run.pk).update(last_finished_at=now(), last_error=error)
        ran.append(job.name)
    return ran


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (with --loop N, keep running every N seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS")

    def handle(self, *args, loop, **options):
        while True:
            ran = run_due_jobs()
            if ran and options["verbosity"] > 1:
                self.stdout.write(f"ran: {', '.join(ran)}")
            if not loop:
                return
            time.sleep(loop)
