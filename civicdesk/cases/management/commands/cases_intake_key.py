"""Create an intake API key for an agency (shown once; only its hash is stored)."""

import secrets

from django.core.management.base import BaseCommand, CommandError

from civicdesk.cases.api import hash_key
from civicdesk.cases.models import IntakeKey
from civicdesk.organisations.models import Agency


class Command(BaseCommand):
    help = "Create an X-Api-Key for the cases intake API and the inbound-email endpoint."

    def add_arguments(self, parser):
        parser.add_argument("agency", help="agency code, e.g. HSG")
        parser.add_argument("--name", default="intake", help="what the key is for")
        parser.add_argument("--key", help="use this key instead of a random one (tests, demos)")

    def handle(self, *args, **options):
        agency = Agency.objects.filter(code=options["agency"].upper()).first()
        if agency is None:
            raise CommandError(f"No agency {options['agency']!r}.")
        key = options["key"] or secrets.token_urlsafe(32)
        if IntakeKey.objects.filter(key_hash=hash_key(key)).exists():
            raise CommandError("That key already exists.")
        IntakeKey.objects.create(agency=agency, name=options["name"], key_hash=hash_key(key))
        self.stdout.write(key)
