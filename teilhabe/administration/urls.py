from django.urls import path

from teilhabe.administration import views

app_name = "administration"
urlpatterns = [
    # == queue and routing (department queues, coordinators' routing screen) ==
    path("verwaltung/", views.workspace_view, name="workspace"),
    path("verwaltung/fachbereiche/<str:pk>/", views.queue_view, name="queue"),
    path("verwaltung/p/<slug:slug>/weiterleiten/", views.routing_view, name="routing"),
    path("verwaltung/weiterleitungen/<str:pk>/zuweisen/", views.routing_assign_view, name="routing_assign"),
    path("verwaltung/weiterleitungen/<str:pk>/zurueckgeben/", views.routing_return_view, name="routing_return"),
    # == contribution work page (statements, dispositions, notes) ==
    path("verwaltung/beitraege/<str:pk>/", views.work_view, name="work"),
    path("verwaltung/beitraege/<str:pk>/stellungnahme/", views.statement_save_view, name="statement_save"),
    path(
        "verwaltung/beitraege/<str:pk>/stellungnahme/einreichen/", views.statement_submit_view, name="statement_submit"
    ),
    path("verwaltung/beitraege/<str:pk>/stellungnahme/pruefen/", views.statement_review_view, name="statement_review"),
    path(
        "verwaltung/beitraege/<str:pk>/stellungnahme/veroeffentlichen/",
        views.statement_publish_view,
        name="statement_publish",
    ),
    path(
        "verwaltung/beitraege/<str:pk>/stellungnahme/uebersetzen/",
        views.statement_translate_view,
        name="statement_translate",
    ),
    path("verwaltung/beitraege/<str:pk>/zulieferung/", views.statement_input_view, name="statement_input"),
    path("verwaltung/beitraege/<str:pk>/notiz/", views.note_add_view, name="note_add"),
    path("verwaltung/beitraege/<str:pk>/abwaegung/", views.decide_view, name="decide"),
    path(
        "verwaltung/beitraege/<str:pk>/abwaegung/uebersetzen/",
        views.disposition_translate_view,
        name="disposition_translate",
    ),
    path("verwaltung/p/<slug:slug>/abwaegung/", views.decide_group_view, name="decide_group"),
    # == notifications (unsubscribe, opt-in) ==
    path("benachrichtigungen/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("beitraege/<str:pk>/benachrichtigen/", views.subscribe_view, name="subscribe"),
    # == consideration table ==
    path("verwaltung/p/<slug:slug>/abwaegungstabelle/", views.consideration_view, name="consideration"),
    path(
        "verwaltung/p/<slug:slug>/abwaegungstabelle/export/",
        views.consideration_export_view,
        name="consideration_export",
    ),
    path("verwaltung/exporte/<str:pk>/", views.consideration_export_status_view, name="consideration_export_status"),
    path(
        "verwaltung/exporte/<str:pk>/datei/",
        views.consideration_export_download_view,
        name="consideration_export_download",
    ),
]
