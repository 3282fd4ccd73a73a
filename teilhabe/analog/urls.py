from django.urls import path

from teilhabe.analog import views

app_name = "analog"

urlpatterns = [
    path("verwaltung/p/<slug:slug>/eingabe/", views.entry_view, name="entry"),
    path("verwaltung/scans/<str:pk>/", views.scan_view, name="scan"),
]
