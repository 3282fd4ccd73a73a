from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "teilhabe.reports"
    label = "reports"
