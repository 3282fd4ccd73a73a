from django.conf import settings
from django.core.management.base import BaseCommand

from teilhabe.contributions.services import contribution_purge_unconfirmed


class Command(BaseCommand):
    help = (
        "Deletes anonymous contributions whose e-mail address was not confirmed within "
        "TEILHABE_UNCONFIRMED_DAYS, with the address (the task worker runs this too)."
    )

    def handle(self, *args, **options):
        deleted = contribution_purge_unconfirmed()
        self.stdout.write(
            f"Deleted {deleted} unconfirmed contribution(s) older than {settings.TEILHABE_UNCONFIRMED_DAYS} days."
        )
