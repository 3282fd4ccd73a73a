from django.apps import AppConfig


class AnalogConfig(AppConfig):
    name = "teilhabe.analog"
    label = "analog"
    verbose_name = "Analog input"
