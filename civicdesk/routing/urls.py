from django.urls import path

from civicdesk.routing import views

app_name = "routing"
urlpatterns = [
    path("", views.home, name="home"),
    path("versions/", views.versions_partial, name="versions_partial"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/promote/", views.promote, name="promote"),
    path("train/", views.train, name="train"),
    path("rollback/", views.rollback, name="rollback"),
    path("policy/", views.policy, name="policy"),
    path("try/", views.try_suggest, name="try"),
]
