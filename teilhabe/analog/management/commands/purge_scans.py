from django.conf import settings
from django.core.management.base import BaseCommand

from teilhabe.analog.services import scans_purge


class Command(BaseCommand):
    help = (
        "Deletes the files of scans of originals uploaded more than TEILHABE_SCAN_RETENTION_DAYS ago, keeping the "
        "transcribed contributions; each removal is audited (the task worker runs this too). Safe to run twice."
    )

    def handle(self, *args, **options):
        removed = scans_purge()
        self.stdout.write(
            f"Removed {removed} scan(s) uploaded more than {settings.TEILHABE_SCAN_RETENTION_DAYS} days ago; "
            "their contributions stay."
        )
