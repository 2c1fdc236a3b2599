"""`civicdesk report programme --id N --output FILE`: a pilot programme's progress report.

PDF or HTML by the file's suffix. Progress goes to stderr; the file path to stdout.
"""

from importlib import import_module, util
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from civicdesk.workforce.models import PilotProgramme
from civicdesk.workforce.report import render_report_html, render_report_pdf


class Command(BaseCommand):
    help = "Write a report to a file. Reports: programme (a pilot programme's progress)."

    def add_arguments(self, parser):
        reports = parser.add_subparsers(dest="report", required=True, metavar="REPORT")
        programme = reports.add_parser(
            "programme", help="A pilot programme's progress report (PDF or HTML)."
        )
        programme.add_argument("--id", type=int, required=True, help="The programme's id.")
        programme.add_argument(
            "--output", required=True, help="File to write; .pdf or .html decides the format."
        )
        for module in _report_modules():  # other apps' reports (e.g. pledges: monthly)
            module.add_parser(reports)

    def handle(self, *args, **options):
        for module in _report_modules():
            if options["report"] == module.NAME:
                return module.handle(self, options)
        output = Path(options["output"])
        suffix = output.suffix.lower()
        if suffix not in (".pdf", ".html", ".htm"):
            raise CommandError("--output must end in .pdf or .html")
        programme = PilotProgramme.objects.filter(pk=options["id"]).first()
        if programme is None:
            known = ", ".join(f"{p.pk} ({p.name})" for p in PilotProgramme.objects.all()[:20])
            raise CommandError(f"No programme with id {options['id']}. Known: {known or 'none'}")
        steps = 6 if suffix == ".pdf" else 5
        done = 0

        def progress(message: str) -> None:
            nonlocal done
            done += 1
            self.stderr.write(f"[{done}/{steps}] {message}…")

        if suffix == ".pdf":
            content = render_report_pdf(programme, progress=progress)
        else:
            content = render_report_html(programme, progress=progress).encode()
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        self.stderr.write(f"Wrote {len(content):,} bytes.")
        self.stdout.write(str(output))


def _report_modules():
    """Every civicdesk app may add a report in a `report_command` module (NAME, add_parser, handle)."""
    for config in apps.get_app_configs():
        name = f"{config.name}.report_command"
        if config.name.startswith("civicdesk.") and util.find_spec(name):
            yield import_module(name)
