from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "civicdesk.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from civicdesk.notify import tasks  # noqa: F401  (registers the periodic retry)
