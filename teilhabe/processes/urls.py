from django.urls import path

from teilhabe.processes import views

app_name = "processes"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.process_detail, name="detail"),
]
