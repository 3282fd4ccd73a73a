from django.urls import path

from teilhabe.events import supports, views

app_name = "events"

# Public: calendar, event pages, iCalendar feeds, registration.
public_patterns = [
    path("veranstaltungen/", views.calendar_home_view, name="calendar_home"),
    path("veranstaltungen/meine-anmeldungen/", views.my_registrations_view, name="my_registrations"),
    path("veranstaltungen/anmeldung/bestaetigen/<str:token>/", views.registration_confirm_view, name="confirm"),
    path("veranstaltungen/anmeldung/<str:token>/", views.registration_view, name="registration"),
    path("p/<slug:slug>/veranstaltungen/", views.calendar_view, name="calendar"),
    path("p/<slug:slug>/veranstaltungen/kalender.ics", views.feed_view, name="feed"),
    path(
        "p/<slug:slug>/veranstaltungen/bezirke/<str:number>/kalender.ics",
        views.district_feed_view,
        name="district_feed",
    ),
    path("veranstaltungen/<str:pk>/", views.event_detail_view, name="detail"),
    path("veranstaltungen/<str:pk>/kalender.ics", views.event_ics_view, name="event_ics"),
    path("veranstaltungen/<str:pk>/anmelden/", views.register_view, name="register"),
    path(
        "veranstaltungen/<str:pk>/anmelden/eingereicht/",
        views.registration_submitted_view,
        name="registration_submitted",
    ),
    path("veranstaltungen/<str:pk>/abmelden/", views.registration_cancel_own_view, name="cancel_own"),
    # The door list for the organisers (events.view_registrations).
    path("verwaltung/veranstaltungen/<str:pk>/anmeldungen/", views.registrations_view, name="registrations"),
    path(
        "verwaltung/veranstaltungen/<str:pk>/anmeldungen/<str:fmt>/",
        views.registrations_export_view,
        name="registrations_export",
    ),
]

# Organiser workspace: planning, approval, attendance, minutes, results, registrations for the door.
organiser_patterns = [
    path("verwaltung/veranstaltungen/", views.workspace_view, name="manage"),
    path("verwaltung/veranstaltungen/liste/<str:which>/", views.workspace_list_view, name="manage_list"),
    path("verwaltung/veranstaltungen/p/<slug:slug>/neu/", views.event_create_view, name="manage_create"),
    path("verwaltung/veranstaltungen/p/<slug:slug>/vorschlagen/", views.event_propose_view, name="manage_propose"),
    path("verwaltung/veranstaltungen/<str:pk>/", views.event_manage_view, name="manage_event"),
    path("verwaltung/veranstaltungen/<str:pk>/bearbeiten/", views.event_edit_view, name="manage_edit"),
    path("verwaltung/veranstaltungen/<str:pk>/freigeben/", views.event_approve_view, name="manage_approve"),
    path("verwaltung/veranstaltungen/<str:pk>/ablehnen/", views.event_decline_view, name="manage_decline"),
    path("verwaltung/veranstaltungen/<str:pk>/absagen/", views.event_cancel_view, name="manage_cancel"),
    path("verwaltung/veranstaltungen/<str:pk>/stattgefunden/", views.event_held_view, name="manage_held"),
    path("verwaltung/veranstaltungen/<str:pk>/uebersetzen/", views.event_translate_view, name="manage_translate"),
    path("verwaltung/veranstaltungen/<str:pk>/teilnahme/", views.event_attendance_view, name="manage_attendance"),
    path("verwaltung/veranstaltungen/<str:pk>/protokoll/", views.event_minutes_view, name="manage_minutes"),
    path("verwaltung/veranstaltungen/<str:pk>/dateien/", views.attachment_add_view, name="manage_attachment_add"),
    path("verwaltung/veranstaltungen/<str:pk>/ergebnisse/", views.event_results_view, name="manage_results"),
    path("verwaltung/veranstaltungen/<str:pk>/punkte/", supports.supports_view, name="manage_supports"),
    path(
        "verwaltung/veranstaltungen/punkte/<str:pk>/korrigieren/",
        supports.supports_correct_view,
        name="manage_supports_correct",
    ),
    path(
        "verwaltung/veranstaltungen/dateien/<str:pk>/sichtbarkeit/",
        views.attachment_publish_view,
        name="manage_attachment_publish",
    ),
    path(
        "verwaltung/veranstaltungen/dateien/<str:pk>/entfernen/",
        views.attachment_remove_view,
        name="manage_attachment_remove",
    ),
    # An event's file, for everyone who may see it (events.view_attachment).
    path("veranstaltungen/dateien/<str:pk>/", views.attachment_view, name="attachment"),
]

urlpatterns = public_patterns + organiser_patterns
