from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "civicdesk.live"
    verbose_name = _("Live updates")

    def ready(self) -> None:
        from civicdesk.live import tasks  # noqa: F401  registers the pruning job
