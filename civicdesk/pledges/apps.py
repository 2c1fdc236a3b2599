from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "civicdesk.pledges"
    label = "pledges"
    verbose_name = "Pledges"

    def ready(self) -> None:
        from civicdesk.pledges import tasks  # noqa: F401  (registers the periodic recompute)
