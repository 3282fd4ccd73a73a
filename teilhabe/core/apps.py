from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "teilhabe.core"
    label = "core"

    def ready(self):
        from django.conf import settings
        from django.conf.locale import LANG_INFO

        from teilhabe.core import checks  # noqa: F401  (registers system checks)

        # Languages Django does not know (Leichte Sprache) get their names and direction here.
        LANG_INFO.update(settings.EXTRA_LANG_INFO)
