"""Demo-only pages; the root URLconf includes them only when TEILHABE_DEMO is on."""

from django.urls import path

from teilhabe.demo import views

app_name = "demo"
urlpatterns = [
    path("postfach/", views.mailbox_view, name="mailbox"),
]
