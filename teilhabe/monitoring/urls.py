from django.urls import path

from teilhabe.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("p/<slug:slug>/zahlen/", views.public_dashboard_view, name="public"),
    path("p/<slug:slug>/zahlen/daten.json", views.public_json_view, name="public_json"),
    path("p/<slug:slug>/zahlen/<slug:table>.csv", views.public_csv_view, name="public_csv"),
    path("verwaltung/p/<slug:slug>/monitoring/", views.internal_dashboard_view, name="internal"),
    path("verwaltung/p/<slug:slug>/monitoring/daten.json", views.internal_json_view, name="internal_json"),
    path("verwaltung/p/<slug:slug>/monitoring/<slug:table>.csv", views.internal_csv_view, name="internal_csv"),
]
