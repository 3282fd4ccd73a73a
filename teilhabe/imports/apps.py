from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "teilhabe.imports"
    label = "imports"
    verbose_name = "Imports"
