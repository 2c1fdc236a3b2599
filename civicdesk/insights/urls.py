from django.urls import path

from civicdesk.insights.views import performance, staffing

app_name = "insights"

urlpatterns = [
    path("", staffing.home, name="home"),
    path("performance/", performance.performance, name="performance"),
]
