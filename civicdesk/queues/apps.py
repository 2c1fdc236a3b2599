from django.apps import AppConfig


class QueuesConfig(AppConfig):
    name = "civicdesk.queues"
    label = "queues"
    verbose_name = "Queues"

    def ready(self) -> None:
        from civicdesk.queues import lookups, tasks  # noqa: F401  (signals, periodic jobs)
