"""`civicdesk report monthly --agency HSG --month 2026-10 --output FILE` (PDF or HTML by suffix).

Plugged into the `report` command (civicdesk/workforce/management/commands/report.py), which
asks every civicdesk app for a `report_command` module with `add_parser` and `handle`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

NAME = "monthly"


def add_parser(reports) -> None:
    parser = reports.add_parser(
        NAME, help="An agency's monthly pledges report for its management committee."
    )
    parser.add_argument("--agency", required=True, help="The agency's code, e.g. HSG.")
    parser.add_argument("--month", help="YYYY-MM; default: the last complete month.")
    parser.add_argument(
        "--output", required=True, help="File to write; .pdf or .html decides the format."
    )


def handle(command, options) -> None:
    from civicdesk.organisations.models import Agency
    from civicdesk.pledges.report import month_or_last, render_monthly_html, render_monthly_pdf

    output = Path(options["output"])
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise CommandError("--output must end in .pdf or .html")
    agency = Agency.objects.filter(code=options["agency"].upper()).first()
    if agency is None:
        known = ", ".join(Agency.objects.values_list("code", flat=True))
        raise CommandError(f"No agency {options['agency']}. Known: {known or 'none'}")
    try:
        month = month_or_last(options.get("month"), agency)
    except ValueError as exc:
        raise CommandError("--month must look like 2026-10") from exc
    command.stderr.write(f"[1/2] Measuring {agency.code} for {month:%Y-%m}…")
    if suffix == ".pdf":
        content = render_monthly_pdf(agency, month)
    else:
        content = render_monthly_html(agency, month).encode()
    command.stderr.write("[2/2] Writing…")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(content)
    command.stderr.write(f"Wrote {len(content):,} bytes.")
    command.stdout.write(str(output))
