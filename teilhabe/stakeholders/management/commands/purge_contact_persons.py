from django.conf import settings
from django.core.management.base import BaseCommand

from teilhabe.stakeholders.services import contact_persons_purge


class Command(BaseCommand):
    help = (
        "Deletes organisations' contact persons (name, e-mail, phone) unchanged for more than "
        "TEILHABE_CONTACT_RETENTION_DAYS days, with one audit entry (the task worker runs this too)."
    )

    def handle(self, *args, **options):
        count = contact_persons_purge()
        self.stdout.write(
            f"Deleted {count} contact person(s) unchanged for more than "
            f"{settings.TEILHABE_CONTACT_RETENTION_DAYS} days."
        )
