from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "teilhabe.councils"
    label = "councils"
