from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "civicdesk.surveys"
    label = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        from civicdesk.surveys import checks, tasks  # noqa: F401  (register checks and jobs)
