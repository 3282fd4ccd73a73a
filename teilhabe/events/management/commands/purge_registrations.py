from django.conf import settings
from django.core.management.base import BaseCommand

from teilhabe.events.services import registrations_purge


class Command(BaseCommand):
    help = (
        "Deletes the registrations of events that ended more than TEILHABE_REGISTRATION_RETENTION_DAYS ago, keeping "
        "their counts by state on the event, and registrations never confirmed within TEILHABE_UNCONFIRMED_DAYS "
        "(the task worker runs this too)."
    )

    def handle(self, *args, **options):
        totals = registrations_purge()
        self.stdout.write(
            f"Deleted {totals['registrations']} registration(s) of {totals['events']} event(s) that ended more than "
            f"{settings.TEILHABE_REGISTRATION_RETENTION_DAYS} days ago, and {totals['unconfirmed']} unconfirmed "
            f"registration(s) older than {settings.TEILHABE_UNCONFIRMED_DAYS} days."
        )
