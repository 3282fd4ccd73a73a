from django.urls import path

from teilhabe.core import views

app_name = "core"
urlpatterns = [
    path("mitmachen/", views.how_to, name="how_to"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("impressum/", views.imprint, name="imprint"),
    path("barrierefreiheit/", views.accessibility_statement, name="accessibility"),
]
