from django.urls import path

from civicdesk.cases.views import public, staff

app_name = "cases"
urlpatterns = [
    path("new/", public.report, name="report"),
    path("new/<str:reference>/", public.submitted, name="submitted"),
    path("track/", public.track, name="track"),
    path("track/<str:reference>/", public.tracked, name="tracked"),
    path(
        "track/<str:reference>/attachments/<int:attachment_id>/",
        public.tracked_attachment,
        name="tracked_attachment",
    ),
    path("staff/", staff.queue, name="staff_queue"),
    path("staff/dashboard/", staff.dashboard, name="staff_dashboard"),
    path("staff/new/", staff.assisted, name="staff_new"),
    path("staff/absences/", staff.absences, name="staff_absences"),
    path(
        "staff/absences/<int:absence_id>/remove/",
        staff.absence_remove,
        name="staff_absence_remove",
    ),
    path("staff/<str:reference>/", staff.case_page, name="staff_case"),
    path(
        "staff/<str:reference>/attachments/<int:attachment_id>/",
        staff.attachment,
        name="staff_attachment",
    ),
    path("staff/<str:reference>/<str:action>/", staff.case_action, name="staff_action"),
]
