from importlib import import_module, util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load Harbour City, the demo city: agencies, sites, staff and history. "
        "Running it again changes nothing."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            from civicdesk.organisations.demo import load_organisations

            accounts = load_organisations()
            # Every other civicdesk app may add its part of the city in a `demo.load()`.
            for config in apps.get_app_configs():
                module = f"{config.name}.demo"
                if (
                    config.name.startswith("civicdesk.")
                    and config.label != "organisations"
                    and util.find_spec(module)
                ):
                    import_module(module).load(stdout=self.stdout, stderr=self.stderr)
        if not accounts:
            self.stdout.write("Harbour City is already loaded; nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS("Harbour City loaded. Staff accounts (shown once):"))
        width = max(len(u) for u, _r, _p in accounts)
        for username, role, password in accounts:
            self.stdout.write(f"  {username:<{width}}  {password}  {role}")
        self.stdout.write("Agency and system admins set up two-factor sign-in the first time.")
        self.stdout.write("Sign in at /staff/sign-in/")
