from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "civicdesk.audit"
    label = "audit"
    verbose_name = "Audit log"
