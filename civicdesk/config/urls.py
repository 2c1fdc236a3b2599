from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from civicdesk.config.api import api
from civicdesk.core import views as core_views
from civicdesk.queues import views as queues_views

admin.site.site_header = "civicdesk administration"
admin.site.site_title = "civicdesk"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", core_views.switch_language, name="switch_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", core_views.home, name="home"),
    path("staff/", include("civicdesk.organisations.urls")),
    path("staff/audit/", include("civicdesk.audit.urls")),
    path("cases/", include("civicdesk.cases.urls")),
    path("queues/", include("civicdesk.queues.urls")),
    path("kiosk/", queues_views.kiosk_sites, name="kiosk_sites"),
    path("staff/workforce/", include("civicdesk.workforce.urls")),
    path("", include("civicdesk.surveys.urls")),
    path("staff/routing/", include("civicdesk.routing.urls")),
    path("staff/insights/", include("civicdesk.insights.urls")),
    path("open311/v2/", include("civicdesk.open311.urls")),
    path("live/", include("civicdesk.live.urls")),
    path("", include("civicdesk.pledges.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

__all__ = ["i18n_patterns", "urlpatterns"]
