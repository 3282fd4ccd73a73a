from django.urls import path

from teilhabe.pages import views

app_name = "processes"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.process_detail, name="detail"),
    path("p/<slug:slug>/uebersetzungen/", views.translation_status_view, name="translations"),
]
