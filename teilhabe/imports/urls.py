from django.urls import path

from teilhabe.imports import views

app_name = "imports"

urlpatterns = [
    path("verwaltung/p/<slug:slug>/import/", views.upload_view, name="upload"),
    path("verwaltung/p/<slug:slug>/import/vorlage-<str:language>.<str:fmt>", views.template_view, name="template"),
    path("verwaltung/importe/<str:pk>/", views.run_view, name="run"),
    path("verwaltung/importe/<str:pk>/importieren/", views.run_import_view, name="run_import"),
    path("verwaltung/importe/<str:pk>/bericht.csv", views.report_view, name="report"),
]
