from django.apps import AppConfig


class PaperConfig(AppConfig):
    name = "teilhabe.paper"
    label = "paper"
    verbose_name = "Paper forms"
