from django.urls import path, re_path

from civicdesk.pledges import views

app_name = "pledges"

urlpatterns = [
    path("pledges/", views.city, name="city"),
    path("pledges/open-data/", views.open_data, name="open_data"),
    re_path(r"^pledges/open-data/results\.(?P<fmt>csv|json)$", views.results_data, name="results"),
    re_path(r"^pledges/open-data/pledges\.(?P<fmt>csv|json)$", views.pledges_data, name="pledges"),
    re_path(
        r"^pledges/open-data/(?P<code>[A-Za-z0-9]{2,10})/results\.(?P<fmt>csv|json)$",
        views.results_data,
        name="agency_results",
    ),
    re_path(
        r"^pledges/open-data/(?P<code>[A-Za-z0-9]{2,10})/pledges\.(?P<fmt>csv|json)$",
        views.pledges_data,
        name="agency_pledges",
    ),
    path("pledges/<str:code>/", views.agency_page, name="agency"),
    path("staff/pledges/", views.staff_list, name="manage"),
    path("staff/pledges/new/", views.staff_new, name="staff_new"),
    path("staff/pledges/report/", views.staff_report, name="staff_report"),
    path("staff/pledges/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/pledges/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
]
