from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "teilhabe.competitions"
    label = "competitions"
