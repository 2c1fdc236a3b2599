from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "civicdesk.surveys"
    label = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        from civicdesk.surveys import tasks  # noqa: F401  (registers the periodic clean-up)
