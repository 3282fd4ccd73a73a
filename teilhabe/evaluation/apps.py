from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "teilhabe.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"
