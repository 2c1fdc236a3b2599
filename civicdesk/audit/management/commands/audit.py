import sys

from django.core.management.base import BaseCommand, CommandError

from civicdesk.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Audit log tools. `civicdesk audit verify` checks the hash chain for edits and deletions."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Check every entry's hash and link.")
        verify.add_argument(
            "--expect-head",
            help="Fail unless the chain ends at this hash (detects entries removed from the end).",
        )

    def handle(self, *args, action, **options):
        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\n")

        result = audit_verify(progress=progress)
        head_expected = options.get("expect_head")
        if head_expected and head_expected != result.head:
            result.problems.append(f"the chain ends at {result.head}, not at {head_expected}")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Audit log is NOT intact: {len(result.problems)} problem(s) "
                f"in {result.checked} entries."
            )
        self.stdout.write(f"Audit log intact: {result.checked} entries, head {result.head}")
