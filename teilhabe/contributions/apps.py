from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "teilhabe.contributions"
    label = "contributions"
