from django.urls import path

from teilhabe.reports import views

app_name = "reports"

urlpatterns = [
    # Coordinators (and, reading, the process's evaluators and the committee members): reports on a process.
    path("verwaltung/p/<slug:slug>/berichte/", views.reports_view, name="reports"),
    path("verwaltung/p/<slug:slug>/ausschuesse/", views.committees_view, name="committees"),
    path("verwaltung/p/<slug:slug>/berichte/<str:pk>/", views.report_view, name="report"),
    path("verwaltung/p/<slug:slug>/berichte/<str:pk>/<str:kind>/", views.report_file_view, name="file"),
    # The public archive of published reports.
    path("berichte/", views.archive_view, name="archive"),
    path("berichte/<str:pk>/", views.public_report_view, name="public_report"),
    path("berichte/<str:pk>/bericht.pdf", views.public_file_view, {"kind": "pdf"}, name="public_pdf"),
    path("berichte/<str:pk>/daten.zip", views.public_file_view, {"kind": "data"}, name="public_data"),
    path("berichte/<str:pk>/oparl.json", views.public_file_view, {"kind": "oparl"}, name="public_oparl"),
]
