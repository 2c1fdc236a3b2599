from django.urls import path

from civicdesk.live import views

app_name = "live"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("overview/events", views.overview_events, name="overview_events"),
    path("ticket/<str:token>/", views.ticket, name="ticket"),
    path("ticket/<str:token>/events", views.ticket_events, name="ticket_events"),
    path("<str:agency_code>/<str:site_code>/board/", views.board, name="board"),
    path("<str:agency_code>/<str:site_code>/board/events", views.board_events, name="board_events"),
]
