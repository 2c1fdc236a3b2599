from django.urls import path

from civicdesk.queues import views

app_name = "queues"
urlpatterns = [
    path("ticket/<str:token>/", views.ticket_page, name="ticket"),
]
