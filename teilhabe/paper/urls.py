from django.urls import path

from teilhabe.paper import views

app_name = "paper"

# Coordinators of a process: print forms and posters, follow and download print runs (paper.print_forms).
urlpatterns = [
    path("verwaltung/p/<slug:slug>/papierformulare/", views.print_runs_view, name="print_runs"),
    path("verwaltung/p/<slug:slug>/papierformulare/<str:pk>/", views.print_run_view, name="print_run"),
    path("verwaltung/p/<slug:slug>/papierformulare/<str:pk>/pdf/", views.print_run_download_view, name="download"),
]
