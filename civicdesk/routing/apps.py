from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "civicdesk.routing"
    label = "routing"
    verbose_name = "Routing intelligence"

    def ready(self) -> None:
        from civicdesk.routing import tasks  # noqa: F401  (registers the scheduled retraining)
