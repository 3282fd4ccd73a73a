from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "teilhabe.stakeholders"
    label = "stakeholders"
