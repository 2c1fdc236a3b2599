"""Manage Open311 api_keys: create (the key is shown once; only its hash is stored), list, revoke."""

from django.core.management.base import BaseCommand, CommandError

from civicdesk.core.errors import ApplicationError
from civicdesk.open311.models import ApiKey
from civicdesk.open311.services import api_key_create, api_key_revoke
from civicdesk.organisations.models import Agency


class Command(BaseCommand):
    help = "Create, list or revoke the api_keys Open311 clients post with."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="print a new key")
        create.add_argument("name", help="the client system, e.g. 'FixMyStreet'")
        create.add_argument("--agency", help="agency code; default: every agency of the city")
        create.add_argument("--key", help="use this key instead of a random one (demos, tests)")
        sub.add_parser("list", help="the keys and what they may do")
        revoke = sub.add_parser("revoke", help="stop a key working")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        if action == "create":
            agency = None
            if options["agency"]:
                agency = Agency.objects.filter(code=options["agency"].upper()).first()
                if agency is None:
                    raise CommandError(f"No agency {options['agency']!r}.")
            try:
                _api_key, key = api_key_create(name=options["name"], agency=agency,
                                               key=options["key"])  # fmt: skip
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(key)
        elif action == "list":
            for api_key in ApiKey.objects.select_related("agency"):
                state = "active" if api_key.is_active else "revoked"
                scope = api_key.agency.code if api_key.agency_id else "city"
                self.stdout.write(
                    f"{api_key.pk}\t{api_key.name}\t{scope}\t{api_key.key_prefix}…\t{state}"
                )
        else:
            api_key = ApiKey.objects.filter(pk=options["id"]).first()
            if api_key is None:
                raise CommandError(f"No api_key {options['id']}.")
            api_key_revoke(api_key=api_key)
            self.stdout.write(f"Revoked {api_key}.")
