from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "teilhabe.core"
    label = "core"

    def ready(self):
        from teilhabe.core import checks  # noqa: F401  (registers system checks)
