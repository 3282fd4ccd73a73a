from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "teilhabe.administration"
    label = "administration"
