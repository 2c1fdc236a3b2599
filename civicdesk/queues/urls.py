from django.urls import path

from civicdesk.queues import appointment_views, setup_views, staff_views, views

app_name = "queues"
urlpatterns = [
    path("", views.index, name="index"),
    path("ticket/<str:token>/", views.ticket_page, name="ticket"),
    path("ticket/<str:token>/leave/", views.ticket_leave, name="ticket_leave"),
    path("kiosk/ticket/<str:token>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("kiosk/ticket/<str:token>/qr.svg", views.kiosk_ticket_qr, name="kiosk_ticket_qr"),
    path("appointments/slot/<int:slot_id>/", appointment_views.slot_book, name="slot_book"),
    path("appointment/<str:token>/", appointment_views.appointment_page, name="appointment"),
    path(
        "appointment/<str:token>/cancel/",
        appointment_views.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "appointment/<str:token>/invite.ics",
        appointment_views.appointment_invite,
        name="appointment_invite",
    ),
    path("offer/<str:token>/", appointment_views.offer, name="offer"),
    path("staff/", staff_views.home, name="staff_home"),
    path("staff/sites/<int:site_id>/", staff_views.site_detail, name="staff_site"),
    path("staff/sites/<int:site_id>/issue/", staff_views.issue, name="staff_issue"),
    path("staff/sites/<int:site_id>/remove/", staff_views.ticket_remove, name="ticket_remove"),
    path("staff/sites/<int:site_id>/setup/", setup_views.setup, name="setup"),
    path(
        "staff/sites/<int:site_id>/setup/services/new/",
        setup_views.service_edit,
        name="setup_service_new",
    ),
    path(
        "staff/sites/<int:site_id>/setup/services/<int:service_id>/",
        setup_views.service_edit,
        name="setup_service",
    ),
    path(
        "staff/sites/<int:site_id>/setup/counters/new/",
        setup_views.counter_edit,
        name="setup_counter_new",
    ),
    path(
        "staff/sites/<int:site_id>/setup/counters/<int:counter_id>/",
        setup_views.counter_edit,
        name="setup_counter",
    ),
    path("staff/counters/<int:counter_id>/", staff_views.counter_screen, name="counter"),
    path("staff/counters/<int:counter_id>/act/", staff_views.counter_act, name="counter_act"),
    path("staff/counters/<int:counter_id>/queue/", staff_views.counter_queue, name="counter_queue"),
    path("<str:agency_code>/<str:site_code>/", views.join, name="join"),
    path("<str:agency_code>/<str:site_code>/qr.svg", views.join_qr, name="join_qr"),
    path("<str:agency_code>/<str:site_code>/kiosk/", views.kiosk, name="kiosk"),
    path(
        "<str:agency_code>/<str:site_code>/kiosk/check-in/",
        appointment_views.kiosk_check_in,
        name="kiosk_check_in",
    ),
    path(
        "<str:agency_code>/<str:site_code>/appointments/",
        appointment_views.find_time,
        name="appointments",
    ),
]
