from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using, **kwargs):
    # Infrastructure, not business logic: SQLite drops triggers when a migration rebuilds the table.
    from teilhabe.contributions.search import search_index_ensure

    search_index_ensure(connections[using])


class ContributionsConfig(AppConfig):
    name = "teilhabe.contributions"
    label = "contributions"

    def ready(self):
        post_migrate.connect(_ensure_search_index, sender=self)
