from django.urls import path

from civicdesk.insights.views import performance, staffing

app_name = "insights"

urlpatterns = [
    path("", staffing.home, name="home"),
    path("performance/", performance.performance, name="performance"),
    path("sites/<int:pk>/", staffing.site, name="site"),
    path("sites/<int:pk>/request/", staffing.site_request, name="site_request"),
    path("sites/<int:pk>/staffing.csv", staffing.site_csv, name="site_csv"),
    path("agencies/<int:pk>/redeploy/", staffing.agency_redeploy, name="redeploy"),
    path(
        "agencies/<int:pk>/redeploy/accept/",
        staffing.agency_redeploy_accept,
        name="redeploy_accept",
    ),
]
