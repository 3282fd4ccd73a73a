from django.urls import path

from teilhabe.profiles import views

app_name = "profiles"

urlpatterns = [
    path("p/<slug:slug>/ueber-mich/", views.self_description_view, name="describe"),
]
