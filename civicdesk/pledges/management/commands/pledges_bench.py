"""Internal to `civicdesk bench dashboards`: generate data, compute, add a day; JSON timings."""

import json
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Benchmark helper (used by `civicdesk bench dashboards`)."

    def add_arguments(self, parser):
        parser.add_argument("step", choices=["generate", "compute", "incremental"])
        parser.add_argument("--tickets", type=int, default=0)
        parser.add_argument("--cases", type=int, default=0)
        parser.add_argument("--answers", type=int, default=0)

    def handle(self, *args, step, tickets, cases, answers, **options):
        from civicdesk.pledges import benchdata
        from civicdesk.pledges.incremental import recompute_changed

        result = {}
        if step == "generate":
            benchdata.generate(tickets=tickets, cases=cases, answers=answers)
        elif step == "compute":
            started = time.monotonic()
            result = recompute_changed()
            result["seconds"] = round(time.monotonic() - started, 2)
        else:
            benchdata.add_day(
                tickets=max(tickets // 365, 1),
                cases=max(cases // 365, 1),
                answers=max(answers // 365, 1),
                late_cases=max(cases // 1000, 1),
            )
            started = time.monotonic()
            result = recompute_changed()
            result["seconds"] = round(time.monotonic() - started, 2)
        self.stdout.write(json.dumps(result))
