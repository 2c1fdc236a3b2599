"""The ``civicdesk`` console script: Django's management commands with civicdesk's settings.

``civicdesk serve``, ``civicdesk demo``, ``civicdesk audit verify`` and ``civicdesk bench`` are
ordinary management commands, so everything civicdesk can do is reachable the same way.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["civicdesk", *(sys.argv[1:] if argv is None else argv)])
