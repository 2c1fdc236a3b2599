from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "civicdesk.workforce"
    label = "workforce"
    verbose_name = _("Workforce")

    def ready(self):
        from civicdesk.workforce import tasks  # noqa: F401  (registers the periodic reminder)
