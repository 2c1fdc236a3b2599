import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve civicdesk over ASGI with uvicorn, static files included, as in production."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="uvicorn worker processes (use PostgreSQL when more than one).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting static files before serving.",
        )
        parser.add_argument("--log-level", default="info")

    def handle(self, *args, host, port, workers, no_collectstatic, log_level, **options):
        if not no_collectstatic and not getattr(settings, "WHITENOISE_USE_FINDERS", False):
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"civicdesk serving on http://{host}:{port} ({workers} worker(s))")
        uvicorn.run(
            "civicdesk.config.asgi:application",
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
            lifespan="off",
        )
