from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "civicdesk.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from civicdesk.insights import tasks  # noqa: F401  (registers the periodic jobs)
