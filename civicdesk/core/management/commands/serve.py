import signal
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from civicdesk.core.serving import reuse_port_supported, run_workers

APP = "civicdesk.config.asgi:application"


class Command(BaseCommand):
    help = (
        "Serve civicdesk over ASGI with uvicorn, static files included, as in production. "
        "Also starts a task worker and the periodic-job loop unless --no-worker."
    )

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
            "--no-worker",
            action="store_true",
            help="Do not start the background task worker and periodic jobs here "
            "(run `civicdesk db_worker` and `civicdesk tick --loop 30` elsewhere).",
        )
        parser.add_argument("--log-level", default="info")

    def handle(self, *args, host, port, workers, no_worker, log_level, **options):
        if not getattr(settings, "WHITENOISE_USE_FINDERS", False):
            call_command("collectstatic", interactive=False, verbosity=0)
        helpers = []
        if not no_worker:
            # uvicorn re-raises the SIGTERM it caught once it has shut down; with the default
            # action the process would end there and leave the worker and the tick loop
            # running. As SystemExit, the `finally` below stops them first.
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
            cli = [sys.executable, "-m", "civicdesk"]
            helpers = [
                subprocess.Popen([*cli, "db_worker", "--interval", "1"]),
                subprocess.Popen([*cli, "tick", "--loop", "30"]),
            ]
        self.stdout.write(f"civicdesk serving on http://{host}:{port} ({workers} worker(s))")
        try:
            options = {
                "log_level": log_level,
                "proxy_headers": True,
                "forwarded_allow_ips": "127.0.0.1",
                "lifespan": "off",
            }
            if workers > 1 and reuse_port_supported():
                # One listening socket per worker, so that connections spread evenly.
                run_workers(APP, host=host, port=port, workers=workers, **options)
            else:
                uvicorn.run(APP, host=host, port=port, workers=workers, **options)
        finally:
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                try:
                    helper.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    helper.kill()


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)
