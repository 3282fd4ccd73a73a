from django.urls import path

from teilhabe.administration import views

app_name = "administration"
urlpatterns = [
    # == queue and routing (department queues, coordinators' routing screen) ==
    # == contribution work page (statements, dispositions, notes) ==
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
