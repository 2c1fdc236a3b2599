from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "civicdesk.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from civicdesk.organisations import signals  # noqa: F401
