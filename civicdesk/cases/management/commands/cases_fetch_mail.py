"""Read inbound email from a Maildir or an mbox: new cases, or replies on existing ones."""

import mailbox

from django.core.management.base import BaseCommand, CommandError

from civicdesk.cases.inbound import inbound_email_accept
from civicdesk.core.errors import ApplicationError
from civicdesk.organisations.models import Agency


class Command(BaseCommand):
    help = (
        "Turn emails into cases. A Maildir's messages are marked seen once stored; an mbox is "
        "read whole (an email already stored, by Message-ID, is skipped), so it is safe to rerun."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--maildir", help="path of a Maildir")
        source.add_argument("--mbox", help="path of an mbox file")
        parser.add_argument(
            "--agency", help="agency code for mail not addressed to a known agency email"
        )

    def handle(self, *args, **options):
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"].upper()).first()
            if agency is None:
                raise CommandError(f"No agency {options['agency']!r}.")
        counts = {"created": 0, "added": 0, "duplicate": 0, "rejected": 0}
        if options["maildir"]:
            box = mailbox.Maildir(options["maildir"], factory=None, create=False)
            for key in list(box.iterkeys()):
                message = box[key]
                if "S" in message.get_flags():
                    continue
                self._one(bytes(message), agency, counts, key)
                message.set_subdir("cur")
                message.add_flag("S")
                box[key] = message
        else:
            for index, message in enumerate(mailbox.mbox(options["mbox"], create=False)):
                self._one(bytes(message), agency, counts, str(index))
        self.stdout.write(
            "created {created}, added to existing {added}, already seen {duplicate}, "
            "rejected {rejected}".format(**counts)
        )

    def _one(self, raw: bytes, agency, counts: dict, label: str) -> None:
        try:
            result = inbound_email_accept(raw=raw, default_agency=agency)
        except ApplicationError as exc:
            counts["rejected"] += 1
            self.stderr.write(f"message {label}: {exc.message}")
            return
        if result.duplicate:
            counts["duplicate"] += 1
        elif result.created:
            counts["created"] += 1
        else:
            counts["added"] += 1
