from django.urls import path

from civicdesk.surveys import views

app_name = "surveys"
urlpatterns = [
    path("s/<str:token>/", views.answer, name="answer"),
    path("survey/thanks/", views.thanks, name="thanks"),
    path("suggest/<str:agency_code>/", views.suggest, name="suggest"),
    path("suggest/<str:agency_code>/<str:site_code>/", views.suggest, name="suggest_site"),
    path("staff/surveys/", views.results, name="results"),
    path("staff/surveys/comments/", views.comments, name="comments"),
    path("staff/surveys/export.csv", views.export_csv, name="export"),
    path("staff/surveys/evaluate/", views.evaluate, name="evaluate"),
    path("staff/surveys/suggestions/", views.suggestions, name="suggestions"),
    path("staff/surveys/suggestions/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("staff/surveys/survey/", views.definition, name="definition"),
    path("staff/surveys/survey/edit/", views.edit_survey, name="edit"),
]
