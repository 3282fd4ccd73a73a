from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "teilhabe.plan"
    label = "plan"
    verbose_name = "Plan"
