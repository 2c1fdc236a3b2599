import json
import pkgutil
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

import civicdesk.bench


def _benchmarks() -> dict:
    found = {}
    for info in pkgutil.iter_modules(civicdesk.bench.__path__):
        if info.name.startswith("_") or info.name == "harness":
            continue
        module = import_module(f"civicdesk.bench.{info.name}")
        if hasattr(module, "run"):
            found[info.name] = module
    return found


class Command(BaseCommand):
    help = "Run a benchmark; prints exactly one JSON object on stdout (progress on stderr)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="name", required=True)
        for name, module in sorted(_benchmarks().items()):
            bench = sub.add_parser(
                name,
                help=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else None,
            )
            bench.add_argument(
                "--quick", action="store_true", help="A smaller run, under a minute."
            )
            bench.add_argument(
                "--database-url",
                default=None,
                help="Database to run against (default: a throwaway SQLite file).",
            )
            bench.add_argument(
                "--url", default=None, help="Use this running server instead of starting one."
            )
            if hasattr(module, "add_arguments"):
                module.add_arguments(bench)

    def handle(self, *args, name, **options):
        modules = _benchmarks()
        if name not in modules:
            raise CommandError(f"No benchmark called {name!r}.")
        result = modules[name].run(options)
        self.stdout.write(json.dumps(result))
