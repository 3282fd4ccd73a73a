from django.urls import path
from django.views.generic import TemplateView

from teilhabe.core import views

app_name = "core"
urlpatterns = [
    path("mitmachen/", TemplateView.as_view(template_name="core/how_to_take_part.html"), name="how_to"),
    path("datenschutz/", TemplateView.as_view(template_name="core/privacy.html"), name="privacy"),
    path("impressum/", TemplateView.as_view(template_name="core/imprint.html"), name="imprint"),
    path("barrierefreiheit/", views.accessibility_statement, name="accessibility"),
]
