from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _after_migrate(sender, *, using, apps=global_apps, **kwargs):
    """After every migrate: role groups carry their admin permissions, the Site record follows settings."""
    from teilhabe.accounts.services import role_groups_sync, site_sync

    role_groups_sync(apps=apps, using=using)
    site_sync(apps=apps, using=using)


class AccountsConfig(AppConfig):
    name = "teilhabe.accounts"
    label = "accounts"

    def ready(self):
        # Sent for this app after the sites app, so that the Site record Django creates is then corrected.
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="teilhabe.accounts.after_migrate")
