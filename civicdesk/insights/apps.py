from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "civicdesk.insights"
    label = "insights"
    verbose_name = "Insights"
