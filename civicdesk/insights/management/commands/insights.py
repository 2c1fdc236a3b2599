"""`civicdesk insights backtest --series FILE --json` and `civicdesk insights staffing --site S`."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from civicdesk.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Service intelligence: backtest the forecaster on a series; print staffing advice."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        backtest = sub.add_parser(
            "backtest",
            help="Forecast each of the last 4 weeks of a CSV series (timestamp,count) from the "
            "data before it; WAPE against the seasonal-naive forecast.",
        )
        backtest.add_argument("--series", required=True, help="CSV file: timestamp,count")
        backtest.add_argument("--weeks", type=int, default=4)
        backtest.add_argument("--json", action="store_true", help="One JSON object on stdout.")
        staffing = sub.add_parser("staffing", help="Staffing advice for a site and ISO week.")
        staffing.add_argument("--site", required=True, help="Site code (AGENCY/SITE if ambiguous)")
        staffing.add_argument("--week", default=None, help="ISO week like 2026-W49 (next week)")
        staffing.add_argument("--csv", action="store_true", help="CSV instead of a table.")
        staffing.add_argument("--format", choices=["table", "csv", "json"], default="table")
        staffing.add_argument(
            "--recompute", action="store_true", help="Compute again even if advice is stored."
        )

    def handle(self, *args, action, **options):
        if action == "backtest":
            return self._backtest(options)
        return self._staffing(options)

    # --- backtest ------------------------------------------------------------------------
    def _backtest(self, options):
        from civicdesk.insights import forecast, series

        path = Path(options["series"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        try:
            times, counts = series.read_series_bytes(data)
            matrix, first_day, step = series.to_matrix(times, counts)
            result = forecast.backtest(matrix, first_day, weeks=options["weeks"])
        except (series.SeriesError, forecast.TooShort) as exc:
            raise CommandError(str(exc)) from exc
        payload = {
            **result.as_dict(),
            "interval_minutes": step,
            "first_day": first_day.isoformat(),
            "days": int(matrix.shape[0]),
            "closed_days": int(np.isnan(matrix).all(axis=1).sum()),
            "method": "daily volume (damped-trend level x weekday factor, blended with recent "
            "same-weekday mean) x pooled intraday profile; see docs/insights.md",
        }
        if options["json"]:
            self.stdout.write(json.dumps(payload))
            return
        for key, value in payload.items():
            self.stdout.write(f"{key:>22}  {value}")

    # --- staffing ------------------------------------------------------------------------
    def _find_site(self, code: str):
        from civicdesk.organisations.models import Site

        if "/" in code:
            agency, site = code.split("/", 1)
            found = Site.objects.filter(agency__code=agency.upper(), code=site.upper())
        else:
            found = Site.objects.filter(code=code.upper())
        sites = list(found.select_related("agency")[:2])
        if not sites:
            raise CommandError(f"No site with code {code!r}.")
        if len(sites) > 1:
            raise CommandError(f"Several sites are called {code!r}; write AGENCY/SITE.")
        return sites[0]

    def _staffing(self, options):
        from tqdm import tqdm

        from civicdesk.insights import staffing
        from civicdesk.insights.models import RunStatus, StaffingRun

        site = self._find_site(options["site"])
        week = options["week"] or staffing.next_week()
        try:
            staffing.parse_week(week)
            run = None
            if not options["recompute"]:
                run = StaffingRun.objects.filter(
                    site=site, week=week, status=RunStatus.DONE
                ).first()
            if run is None:
                bar = tqdm(total=1, desc=f"{site.code} {week}", file=sys.stderr, unit="day")

                def progress(done, total):
                    bar.total = total
                    bar.n = done
                    bar.refresh()

                run = staffing.run_compute(
                    staffing.run_request(site=site, week=week), progress=progress
                )
                bar.close()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        fmt = "csv" if options["csv"] else options["format"]
        from civicdesk.insights.report import advice_rows

        header, rows = advice_rows(run.result)
        if fmt == "json":
            self.stdout.write(json.dumps(run.result))
        elif fmt == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(header)
            writer.writerows(rows)
        else:
            widths = [
                max(len(str(x)) for x in [h, *[r[i] for r in rows]]) for i, h in enumerate(header)
            ]
            self.stdout.write(f"{site} — week {week}")
            for info in run.result["services"]:
                self.stdout.write(
                    f"  {info['name']}: target {info['target_level']:.0%} within "
                    f"{info['target_wait']:g} min ({info['target_source']}), service "
                    f"{info['service_mean']:.1f} min ({info['service_kind']}), forecast "
                    f"{info['forecast_total']:.0f} visitors"
                )
            self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
            for row in rows:
                self.stdout.write(
                    "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True))
                )
