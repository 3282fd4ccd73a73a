from django.apps import AppConfig


class InvolvementConfig(AppConfig):
    name = "teilhabe.involvement"
    label = "involvement"
    verbose_name = "Involvement"
