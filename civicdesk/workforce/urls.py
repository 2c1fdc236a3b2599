from django.urls import path

from civicdesk.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.home, name="home"),
    path("my-profile/", views.my_profile, name="my_profile"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("team/", views.team, name="team"),
    path("people/<int:staff_id>/", views.person, name="person"),
    path("people/<int:staff_id>/assess/", views.assess, name="assess"),
    path("training/", views.training, name="training"),
    path("training/sessions/new/", views.session_new, name="session_new"),
    path("training/sessions/<int:pk>/", views.session, name="session"),
    path("ideas/", views.ideas, name="ideas"),
    path("ideas/new/", views.idea_new, name="idea_new"),
    path("ideas/<int:pk>/", views.idea, name="idea"),
    path("awards/", views.awards, name="awards"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("programmes/<int:pk>/report/", views.report, name="report"),
    path("programmes/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
