from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "civicdesk.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from civicdesk.cases import tasks  # noqa: F401  (registers the breach check)
