from django.core.management.base import BaseCommand, CommandError

from teilhabe.core.services import audit_verify


class Command(BaseCommand):
    help = "Proves the audit log's hash chain unbroken."

    def handle(self, *args, **options):
        ok, count, broken = audit_verify()
        if not ok:
            raise CommandError(f"Audit chain broken at entry {broken} (after {count} good entries).")
        self.stdout.write(f"Audit chain intact: {count} entries.")
