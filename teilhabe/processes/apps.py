from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "teilhabe.processes"
    label = "processes"
