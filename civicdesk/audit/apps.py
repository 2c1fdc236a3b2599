from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "civicdesk.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from civicdesk.audit import tasks  # noqa: F401  (registers the periodic seal)
